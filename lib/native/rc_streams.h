// The shim's own CUDA streams (rc_stream_fork.cpp): every stream has lanes of its own, side streams that no other
// stream's lanes, libtorch's pool or the legacy default stream share.
#pragma once
#ifdef RC_WITH_CUDA
#include <c10/cuda/CUDAStream.h>

namespace rc::streams {

// The lanes stream forks take (rc_stream_fork: 0..kLanes-1).
constexpr int kLanes = 4;
// The lane graphs are captured on (rc_graph.cpp): graphs captured from one stream share it, and so the cuBLAS workspace
// libtorch keeps for it, which is safe because they replay on that stream, one after another; graphs captured from
// different streams (students stepped side by side, each on a lane) keep apart.
constexpr int kCaptureLane = kLanes;

// Lane `lane` (0..kCaptureLane) of `origin`: made on first use, kept for the process.
c10::cuda::CUDAStream lane_of(const c10::cuda::CUDAStream& origin, int lane);

}  // namespace rc::streams
#endif
