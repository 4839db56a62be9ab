// A fork of work onto a second CUDA stream and its join. rc_stream_fork makes one of the device's side streams (its
// lane) wait for everything queued so far on the current stream; between rc_stream_enter and rc_stream_leave the calling thread's
// kernels go to the side stream; rc_stream_join makes the forked-from stream wait for everything queued on the side
// stream. Two independent pieces of work (the distillation step's frozen teacher, entered, and its student, not) then
// share the GPU. Lanes are distinct streams: work forked onto lane 1 (a second student) may itself fork onto lane 0 (its
// teacher). The same calls inside a CUDA graph capture record two parallel branches (the side stream joins the
// capture through the event), and the capture's allocations on the side stream come from the graph's private pool, as
// on the capturing stream.
//
// Memory a tensor made on the side stream holds is returned to that stream's cache when the tensor is freed. That is
// safe without record_stream because every fork waits for the forked-from stream: the side stream cannot reuse the
// memory before the work queued when it was freed has run. Tensors of the forked-from stream that the side stream
// reads must stay alive until the join (which comes before the caller frees them, in the step).
#include "rc_errors.h"
#ifdef RC_WITH_CUDA
#include <ATen/cuda/CUDAContext.h>
#include <ATen/cuda/CUDAEvent.h>
#include <c10/cuda/CUDAGuard.h>
#include <array>
#include <mutex>
#include <optional>

namespace {
constexpr int kLanes = 4;

// One side stream per device and lane for the process, taken from libtorch's high-priority pool, which the graph
// captures' low-priority streams never come from; one stream per lane also means one cuBLAS workspace per lane. The
// pool hands out its streams round robin, so a lane whose stream repeats another lane's takes the pool's next one.
c10::cuda::CUDAStream side_stream(c10::DeviceIndex device, int lane) {
  static std::mutex lock;
  static std::array<std::array<std::optional<c10::cuda::CUDAStream>, kLanes>, 64> streams;
  TORCH_CHECK(device >= 0 && device < static_cast<c10::DeviceIndex>(streams.size()), "stream fork: device index ", device, " out of range");
  TORCH_CHECK(lane >= 0 && lane < kLanes, "stream fork: lane ", lane, " out of range 0..", kLanes - 1);
  std::lock_guard<std::mutex> guard(lock);
  auto& lanes = streams[device];
  if (!lanes[lane]) {
    auto taken = [&](const c10::cuda::CUDAStream& s) {
      for (auto& other : lanes)
        if (other && *other == s) return true;
      return false;
    };
    auto stream = at::cuda::getStreamFromPool(/*isHighPriority=*/true, device);
    for (int tries = 0; taken(stream) && tries < 64; ++tries) stream = at::cuda::getStreamFromPool(true, device);
    TORCH_CHECK(!taken(stream), "stream fork: no free stream in libtorch's pool for lane ", lane);
    lanes[lane].emplace(stream);
  }
  return *lanes[lane];
}

struct Fork {
  c10::cuda::CUDAStream origin;
  c10::cuda::CUDAStream side;
  std::optional<c10::cuda::CUDAStreamGuard> entered;
  Fork(c10::cuda::CUDAStream from, c10::cuda::CUDAStream to) : origin(from), side(to) {}
};
Fork* as_fork(void* fork) {
  TORCH_CHECK(fork != nullptr, "stream fork: null handle");
  return static_cast<Fork*>(fork);
}
}  // namespace

extern "C" {

int32_t rc_stream_fork(int32_t device_index, int32_t lane, void** out) {
  *out = nullptr;
  return rc::guarded([&] {
    auto device = static_cast<c10::DeviceIndex>(device_index);
    TORCH_CHECK(device >= 0 && device < c10::cuda::device_count(), "stream fork: no CUDA device ", device_index);
    auto origin = at::cuda::getCurrentCUDAStream(device);
    auto side = side_stream(device, lane);
    TORCH_CHECK(side != origin, "stream fork: the current stream is already lane ", lane, "'s side stream (forks onto one lane do not nest)");
    at::cuda::CUDAEvent ready;
    ready.record(origin);
    ready.block(side);
    *out = new Fork(origin, side);
  });
}

int32_t rc_stream_enter(void* fork) {
  return rc::guarded([&] {
    auto* f = as_fork(fork);
    TORCH_CHECK(!f->entered, "stream fork: already on its side stream");
    f->entered.emplace(f->side);
  });
}

int32_t rc_stream_leave(void* fork) {
  return rc::guarded([&] {
    auto* f = as_fork(fork);
    TORCH_CHECK(f->entered, "stream fork: not on its side stream");
    f->entered.reset();  // the forked-from stream is current again
  });
}

int32_t rc_stream_join(void* fork) {
  return rc::guarded([&] {
    auto* f = as_fork(fork);
    f->entered.reset();
    at::cuda::CUDAEvent done;
    done.record(f->side);
    auto origin = f->origin;
    delete f;
    done.block(origin);
  });
}
}

#else

extern "C" {
int32_t rc_stream_fork(int32_t, int32_t, void** out) {
  *out = nullptr;
  return rc::guarded([] { TORCH_CHECK(false, "stream fork: CUDA streams need a CUDA build of the native library (this one is CPU-only)"); });
}
int32_t rc_stream_enter(void*) { return rc::guarded([] { TORCH_CHECK(false, "stream fork: CPU-only build"); }); }
int32_t rc_stream_leave(void*) { return rc::guarded([] { TORCH_CHECK(false, "stream fork: CPU-only build"); }); }
int32_t rc_stream_join(void*) {
  return rc::guarded([] { TORCH_CHECK(false, "stream join: CUDA streams need a CUDA build of the native library (this one is CPU-only)"); });
}
}
#endif
