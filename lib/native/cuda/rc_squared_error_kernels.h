// Launchers of the mean-squared-error kernels (rc_squared_error_kernels.cu), callable from C++ compiled without nvcc:
// mean((a - b)^2) over two buffers of n values laid out alike, computed in float32 from a and b of any float dtype
// (NormDType), and its gradients, written in a's and b's dtypes.
#pragma once
#include <algorithm>
#include <cstdint>

#include "rc_norm_kernels.h"

namespace rc::kernels {

constexpr int kSquaredErrorThreads = 256;
constexpr int64_t kSquaredErrorMaxBlocks = 1024;

// Blocks of the forward: one per kSquaredErrorThreads runs of 8 values, at most kSquaredErrorMaxBlocks (grid-stride
// beyond). They are also the partial sums' count.
inline int64_t squared_error_blocks(int64_t n) {
  return std::clamp<int64_t>((n / 8 + kSquaredErrorThreads - 1) / kSquaredErrorThreads, 1, kSquaredErrorMaxBlocks);
}

// partial: squared_error_blocks(n) float32 values, scratch; out: one float32 value, mean((a - b)^2).
int launch_squared_error_mean(NormDType a_dtype, NormDType b_dtype, const void* a, const void* b, int64_t n, float* partial,
                              float* out, void* stream);

// da = 2 / n * grad * (a - b) and db = -da (either may be null), grad being one float32 value in device memory (so that
// a CUDA graph replays it with whatever the loss's gradient is).
int launch_squared_error_mean_backward(NormDType a_dtype, NormDType b_dtype, const void* a, const void* b, int64_t n, const float* grad,
                                       void* da, void* db, void* stream);

}  // namespace rc::kernels
