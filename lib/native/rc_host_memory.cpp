// How freed host memory goes back to the system. libtorch's CPU allocator takes every tensor from malloc; glibc serves a
// block over its mmap threshold with a fresh mmap and unmaps it on free, and gives the heap's free top back to the
// system past its trim threshold, so each training step faults every page of its activations in again: on two cores
// the page faults took two thirds of a small conv net's step, in PyTorch as in C# (docs/PERFORMANCE.md). Retaining
// keeps blocks up to glibc's largest mmap threshold on the heap and the freed heap in the process for the next step,
// as the CUDA caching allocator does for device memory. Applied when the shim loads, unless RANDCOND_HOST_MEMORY is
// "release" (glibc's own adaptive thresholds). The same policy for a Python process:
// GLIBC_TUNABLES=glibc.malloc.mmap_threshold=33554432:glibc.malloc.trim_threshold=1073741824.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <stdexcept>
#include <sys/resource.h>
#if defined(__GLIBC__)
#include <malloc.h>
#endif
#include "rc_api.h"
#include "rc_errors.h"

namespace {

// glibc refuses an mmap threshold over half its arena heap size (32 MiB on 64-bit); blocks above it are still mapped.
constexpr int64_t kMmapThreshold = int64_t{32} << 20;
constexpr int64_t kTrimThreshold = int64_t{1} << 30;

// Applies the policy; returns 1: retained; 0: glibc's defaults kept (asked for, or not glibc); -1: glibc refused a
// setting; -2: RANDCOND_HOST_MEMORY has an unknown value.
int32_t apply_policy() {
  const char* env = std::getenv("RANDCOND_HOST_MEMORY");
  if (env != nullptr && std::strcmp(env, "release") == 0) return 0;
  if (env != nullptr && *env != '\0' && std::strcmp(env, "retain") != 0) {
    std::fprintf(stderr, "RandCond: RANDCOND_HOST_MEMORY='%s' is neither 'retain' nor 'release'; host memory keeps glibc's defaults\n", env);
    return -2;
  }
#if defined(__GLIBC__)
  if (mallopt(M_MMAP_THRESHOLD, static_cast<int>(kMmapThreshold)) != 1) return -1;
  if (mallopt(M_TRIM_THRESHOLD, static_cast<int>(kTrimThreshold)) != 1) return -1;
  return 1;
#else
  return 0;
#endif
}

// When the shim loads, before any tensor is allocated: the policy holds for every block the process frees.
const int32_t policy_state = apply_policy();

}  // namespace

extern "C" {

int32_t rc_host_memory_policy(int32_t* state, int64_t* mmap_threshold, int64_t* trim_threshold) {
  *state = policy_state;
  *mmap_threshold = kMmapThreshold;
  *trim_threshold = kTrimThreshold;
  return 0;
}

int32_t rc_host_page_faults(int64_t* minor, int64_t* major) {
  return rc::guarded([&] {
    rusage usage{};
    if (getrusage(RUSAGE_SELF, &usage) != 0) throw std::runtime_error("getrusage(RUSAGE_SELF) failed");
    *minor = usage.ru_minflt;
    *major = usage.ru_majflt;
  });
}

}  // extern "C"
