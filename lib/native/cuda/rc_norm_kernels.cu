// Fused normalization kernels on CUDA, forward (the backward: rc_norm_backward_kernels.cu): GroupNorm (+ a per-channel
// shift before, + SiLU after; NCHW or channels-last) and LayerNorm over the last dimension, each one kernel where
// libtorch's eager operators launch two or three (statistics, affine, activation), and LayerNorm one warp per row, which
// suits the narrow rows (32-64 channels) of RandCond's U-Nets far better than libtorch's block-per-row kernel. Each
// thread reads its values once into registers; statistics are accumulated in float32 in two passes over them (mean,
// then the mean squared deviation); the output is rounded to its dtype once, after the affine transform and SiLU.
// TX is the input's type (x, shift), TY the output's (y), TP the parameters' (gamma, beta): one dtype, or under autocast
// float32 parameters with a 16-bit input read as it is (no cast of its own) and a float32 output, as autocast runs these
// norms, or a 16-bit output, rounded as the convolution or linear after the norm would round it. For training, each (sample, group) or row also
// writes its mean and 1/std for the backward.
#include "rc_norm_device.cuh"
#include "rc_norm_kernels.h"

#include <atomic>

namespace {

using namespace rc::kernels::device;
using rc::kernels::kCachedValues;

// One block per (sample, group); each thread keeps its values (at most kCachedValues) in registers, so x is read once.
// shift (n, channels), when given, is added to x before normalizing (a U-Net's time embedding, which would otherwise
// take a broadcast add and a pass over the feature map of its own).
template <typename TX, typename TY, typename TP>
__global__ void __launch_bounds__(1024)
    group_norm_kernel(const TX* __restrict__ x, TY* __restrict__ y, const TP* __restrict__ gamma, const TP* __restrict__ beta,
                      const TX* __restrict__ shift, GroupLayout layout, int groups, float eps, bool silu,
                      float* __restrict__ mean_out, float* __restrict__ rstd_out) {
  __shared__ float partial[32];
  const int n = blockIdx.x / groups, g = blockIdx.x % groups;
  const int length = layout.channels_per_group * layout.hw;
  const int64_t base = static_cast<int64_t>(n) * layout.channels * layout.hw;
  const TX* shift_n = shift == nullptr ? nullptr : shift + static_cast<int64_t>(n) * layout.channels;
  float values[kCachedValues];
  int offsets[kCachedValues], channels[kCachedValues];
  float sum = 0.f;
#pragma unroll
  for (int k = 0; k < kCachedValues; ++k) {
    const int i = threadIdx.x + k * blockDim.x;
    if (i < length) {
      layout.locate(g, i, offsets[k], channels[k]);
      values[k] = shifted(x, base + offsets[k], shift_n, channels[k]);
      sum += values[k];
    }
  }
  const float mean = block_sum(sum, partial) / static_cast<float>(length);
  float squares = 0.f;
#pragma unroll
  for (int k = 0; k < kCachedValues; ++k) {
    if (static_cast<int>(threadIdx.x + k * blockDim.x) < length) {
      const float d = values[k] - mean;
      squares += d * d;
    }
  }
  const float rstd = rsqrtf(block_sum(squares, partial) / static_cast<float>(length) + eps);
  if (mean_out != nullptr && threadIdx.x == 0) {
    mean_out[blockIdx.x] = mean;
    rstd_out[blockIdx.x] = rstd;
  }
#pragma unroll
  for (int k = 0; k < kCachedValues; ++k) {
    if (static_cast<int>(threadIdx.x + k * blockDim.x) < length) {
      float v = (values[k] - mean) * rstd;
      if (gamma != nullptr) v *= load(gamma, channels[k]);
      if (beta != nullptr) v += load(beta, channels[k]);
      if (silu) v *= sigmoid(v);
      y[base + offsets[k]] = round_to<TY>(v);
    }
  }
}

// One warp per row; each lane keeps its values (at most kCachedValues) in registers.
template <typename TX, typename TY, typename TP>
__global__ void layer_norm_kernel(const TX* __restrict__ x, TY* __restrict__ y, const TP* __restrict__ gamma,
                                  const TP* __restrict__ beta, int64_t rows, int cols, float eps,
                                  float* __restrict__ mean_out, float* __restrict__ rstd_out) {
  const int64_t row = static_cast<int64_t>(blockIdx.x) * (blockDim.x >> 5) + (threadIdx.x >> 5);
  if (row >= rows) return;  // the whole warp leaves together
  const int lane = threadIdx.x & 31;
  const TX* xr = x + row * cols;
  TY* yr = y + row * cols;
  float values[kCachedValues];
  float sum = 0.f;
#pragma unroll
  for (int k = 0; k < kCachedValues; ++k) {
    const int i = lane + 32 * k;
    if (i < cols) {
      values[k] = load(xr, i);
      sum += values[k];
    }
  }
  const float mean = warp_sum(sum) / static_cast<float>(cols);
  float squares = 0.f;
#pragma unroll
  for (int k = 0; k < kCachedValues; ++k) {
    if (lane + 32 * k < cols) {
      const float d = values[k] - mean;
      squares += d * d;
    }
  }
  const float rstd = rsqrtf(warp_sum(squares) / static_cast<float>(cols) + eps);
  if (mean_out != nullptr && lane == 0) {
    mean_out[row] = mean;
    rstd_out[row] = rstd;
  }
#pragma unroll
  for (int k = 0; k < kCachedValues; ++k) {
    const int i = lane + 32 * k;
    if (i < cols) {
      float v = (values[k] - mean) * rstd;
      if (gamma != nullptr) v *= load(gamma, i);
      if (beta != nullptr) v += load(beta, i);
      yr[i] = round_to<TY>(v);
    }
  }
}

}  // namespace

namespace rc::kernels {

namespace {
std::atomic<bool> channels_last_kernel_enabled{true};
}  // namespace

void set_channels_last_kernel(bool enabled) { channels_last_kernel_enabled = enabled; }
bool channels_last_kernel() { return channels_last_kernel_enabled; }

int launch_group_norm(NormDType x_dtype, NormDType y_dtype, NormDType p_dtype, const void* x, void* y, const void* gamma, const void* beta,
                      const void* shift, int64_t n, int64_t channels, int64_t hw, bool channels_last, int64_t groups,
                      float eps, bool silu, float* mean, float* rstd, void* stream) {
  if (channels_last && aligned16(y)) {
    if (const auto plan = channels_last_kernel_plan(channels, hw, groups, x_dtype, x, shift))
      return launch_group_norm_channels_last(plan, x_dtype, y_dtype, p_dtype, x, y, gamma, beta, shift, n, channels, hw, groups, eps, silu,
                                             mean, rstd, stream);
  }
  if (!group_norm_fits(channels, hw, groups)) return static_cast<int>(cudaErrorInvalidValue);
  const GroupLayout layout{static_cast<int>(channels), static_cast<int>(channels / groups), static_cast<int>(hw), channels_last};
  const int length = layout.channels_per_group * layout.hw;
  const int per_thread = (length + kCachedValues - 1) / kCachedValues;
  const int threads = ((per_thread + 31) / 32) * 32;
  return dispatch_dtypes(x_dtype, y_dtype, p_dtype, [&](auto tx, auto ty, auto tp) {
    using TX = decltype(tx);
    using TY = decltype(ty);
    using TP = decltype(tp);
    group_norm_kernel<TX, TY, TP><<<static_cast<unsigned>(n * groups), threads, 0, static_cast<cudaStream_t>(stream)>>>(
        static_cast<const TX*>(x), static_cast<TY*>(y), static_cast<const TP*>(gamma), static_cast<const TP*>(beta),
        static_cast<const TX*>(shift), layout, static_cast<int>(groups), eps, silu, mean, rstd);
    return static_cast<int>(cudaGetLastError());
  });
}

int launch_layer_norm(NormDType x_dtype, NormDType y_dtype, NormDType p_dtype, const void* x, void* y, const void* gamma, const void* beta,
                      int64_t rows, int64_t cols, float eps, float* mean, float* rstd, void* stream) {
  if (!layer_norm_fits(cols)) return static_cast<int>(cudaErrorInvalidValue);
  constexpr int warps = kLayerNormWarpsPerBlock;
  return dispatch_dtypes(x_dtype, y_dtype, p_dtype, [&](auto tx, auto ty, auto tp) {
    using TX = decltype(tx);
    using TY = decltype(ty);
    using TP = decltype(tp);
    layer_norm_kernel<TX, TY, TP><<<static_cast<unsigned>((rows + warps - 1) / warps), warps * 32, 0, static_cast<cudaStream_t>(stream)>>>(
        static_cast<const TX*>(x), static_cast<TY*>(y), static_cast<const TP*>(gamma), static_cast<const TP*>(beta), rows,
        static_cast<int>(cols), eps, mean, rstd);
    return static_cast<int>(cudaGetLastError());
  });
}

}  // namespace rc::kernels
