// A fork of work onto a second CUDA stream and its join. rc_stream_fork makes a side stream (a lane of the stream that
// forks) wait for everything queued so far on that stream; between rc_stream_enter and rc_stream_leave the calling
// thread's kernels go to the side stream; rc_stream_join makes the forked-from stream wait for everything queued on the
// side stream. Two independent pieces of work (the distillation step's frozen teacher, entered, and its student, not)
// then share the GPU. The same calls inside a CUDA graph capture record two parallel branches (the side stream joins
// the capture through the event), and the capture's allocations on the side stream come from the graph's private pool,
// as on the capturing stream.
//
// Every stream has lanes of its own: lane k of stream A is never lane j of stream B. A second student forked onto lane 1
// of the current stream forks its teacher onto lane 0 of that lane's stream, and a graph captured on one stream keeps
// its branches apart from a graph captured on another. This matters for replays: libtorch gives cuBLAS a workspace per
// stream, and a captured graph keeps the workspace of the stream each of its kernels was captured on; had two students'
// graphs put their teachers on one shared side stream, replaying them side by side (the students' concurrent steps)
// would run both teachers' GEMMs on one workspace at once (stop 39 saw four side-by-side students' losses depart from
// one student's).
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
#include <map>
#include <mutex>
#include <optional>
#include <tuple>
#include "rc_streams.h"

namespace rc::streams {

// Made non-blocking, at the device's highest priority (as libtorch's high-priority pool), never destroyed.
c10::cuda::CUDAStream lane_of(const c10::cuda::CUDAStream& origin, int lane) {
  static std::mutex lock;
  static std::map<std::tuple<c10::DeviceIndex, cudaStream_t, int>, c10::cuda::CUDAStream> lanes;
  TORCH_CHECK(lane >= 0 && lane <= kCaptureLane, "stream lane ", lane, " out of range 0..", kCaptureLane);
  std::lock_guard<std::mutex> guard(lock);
  const auto key = std::make_tuple(origin.device_index(), origin.stream(), lane);
  auto found = lanes.find(key);
  if (found != lanes.end()) return found->second;
  c10::cuda::CUDAGuard device(origin.device_index());
  int least = 0, greatest = 0;
  C10_CUDA_CHECK(cudaDeviceGetStreamPriorityRange(&least, &greatest));
  cudaStream_t stream = nullptr;
  C10_CUDA_CHECK(cudaStreamCreateWithPriority(&stream, cudaStreamNonBlocking, greatest));
  return lanes.emplace(key, c10::cuda::getStreamFromExternal(stream, origin.device_index())).first->second;
}

}  // namespace rc::streams

namespace {
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
    TORCH_CHECK(lane >= 0 && lane < rc::streams::kLanes, "stream fork: lane ", lane, " out of range 0..", rc::streams::kLanes - 1);
    auto side = rc::streams::lane_of(origin, lane);
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
