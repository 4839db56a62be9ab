// Launchers of the fused normalization kernels (rc_norm_kernels.cu), callable from C++ compiled without nvcc. Tensors are
// raw contiguous buffers of one dtype; gamma and beta may be null (no affine transform). Each returns a cudaError_t
// (0: launched; cudaErrorInvalidValue where the sizes do not fit, which callers check first with *_fits).
#pragma once
#include <cstdint>

namespace rc::kernels {

enum class NormDType : int { Float32 = 0, BFloat16 = 1, Float16 = 2 };

// Values a thread keeps in registers; a group (GroupNorm, 1024 threads) or a row (LayerNorm, one warp) must fit.
constexpr int kCachedValues = 8;

inline bool group_norm_fits(int64_t channels, int64_t hw, int64_t groups) {
  return groups > 0 && channels % groups == 0 && channels / groups * hw <= 1024 * kCachedValues && channels * hw < (int64_t{1} << 31);
}

inline bool layer_norm_fits(int64_t cols) { return cols > 0 && cols <= 32 * kCachedValues; }

// x and y: (n, channels, hw) contiguous, or (n, hw, channels) when channels_last; shift (n, channels) or null is added
// to x first; normalized over each group of channels/groups channels, then y = gamma * x^ + beta per channel, then SiLU
// when silu is true.
int launch_group_norm(NormDType dtype, const void* x, void* y, const void* gamma, const void* beta, const void* shift,
                      int64_t n, int64_t channels, int64_t hw, bool channels_last, int64_t groups, float eps, bool silu,
                      void* stream);

// x and y: (rows, cols) contiguous; normalized over each row, then y = gamma * x^ + beta per column.
int launch_layer_norm(NormDType dtype, const void* x, void* y, const void* gamma, const void* beta, int64_t rows,
                      int64_t cols, float eps, void* stream);

}  // namespace rc::kernels
