// The threads of the BLAS libtorch's CPU matrix products run on. Debian's libtorch links OpenBLAS built with its own
// pthread pool beside libtorch's OpenMP pool: after each product OpenBLAS's workers spin on sched_yield for the cores
// that OpenMP's threads (oneDNN's convolutions, every elementwise operator) then need. On two cores the main job's
// distillation step ran 2.2x faster, in PyTorch as in C#, with OpenBLAS on one thread (docs/PERFORMANCE.md). So when
// the shim loads and OpenBLAS is the pthread build, it runs on one thread, unless OPENBLAS_NUM_THREADS (or
// GOTO_NUM_THREADS) says otherwise. Other BLAS builds (MKL in pip's torch, OpenBLAS on OpenMP) share libtorch's pool and
// are left alone. The same for a Python process: OPENBLAS_NUM_THREADS=1.
#include <dlfcn.h>
#include <cstdint>
#include <cstdlib>
#include <stdexcept>
#include <string>
#include "rc_api.h"
#include "rc_errors.h"

namespace {

using SetThreads = void (*)(int);
using GetInt = int (*)();

struct OpenBlas {
  SetThreads set_threads = nullptr;
  GetInt get_threads = nullptr;
  GetInt get_parallel = nullptr;  // 0: sequential, 1: pthreads, 2: OpenMP
};

// The OpenBLAS libtorch already loaded, if any (RTLD_NOLOAD: never loads one).
OpenBlas find_openblas() {
  OpenBlas blas;
  void* lib = dlopen("libopenblas.so.0", RTLD_LAZY | RTLD_NOLOAD);
  if (lib == nullptr) return blas;
  blas.set_threads = reinterpret_cast<SetThreads>(dlsym(lib, "openblas_set_num_threads"));
  blas.get_threads = reinterpret_cast<GetInt>(dlsym(lib, "openblas_get_num_threads"));
  blas.get_parallel = reinterpret_cast<GetInt>(dlsym(lib, "openblas_get_parallel"));
  if (blas.set_threads == nullptr || blas.get_threads == nullptr || blas.get_parallel == nullptr) blas = OpenBlas{};
  return blas;
}

bool user_chose_threads() {
  for (const char* name : {"OPENBLAS_NUM_THREADS", "GOTO_NUM_THREADS"}) {
    const char* v = std::getenv(name);
    if (v != nullptr && *v != '\0') return true;
  }
  return false;
}

const OpenBlas openblas = find_openblas();

// 1: OpenBLAS's pthread pool set to one thread at load; 0: left as it was (another BLAS, or the user's choice).
const int32_t pinned_at_load = [] {
  if (openblas.set_threads == nullptr || openblas.get_parallel() != 1 || user_chose_threads()) return 0;
  openblas.set_threads(1);
  return 1;
}();

}  // namespace

extern "C" {

int32_t rc_blas_threads(int32_t* kind, int32_t* threads, int32_t* pinned) {
  *kind = openblas.get_parallel == nullptr ? -1 : openblas.get_parallel();
  *threads = openblas.get_threads == nullptr ? 0 : openblas.get_threads();
  *pinned = pinned_at_load;
  return 0;
}

int32_t rc_set_blas_threads(int32_t threads) {
  return rc::guarded([&] {
    if (openblas.set_threads == nullptr) throw std::runtime_error("the BLAS libtorch uses here is not OpenBLAS; its threads follow torch's (set_num_threads)");
    if (threads < 1) throw std::invalid_argument("BLAS threads must be at least 1, got " + std::to_string(threads));
    openblas.set_threads(threads);
  });
}

}  // extern "C"
