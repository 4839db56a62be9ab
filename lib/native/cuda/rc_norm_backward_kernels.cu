// Fused normalization kernels on CUDA, backward (the forward: rc_norm_kernels.cu). From the forward's inputs and its
// saved statistics, each recomputes x^ (and, before SiLU, the affine output) instead of storing it, and writes the input
// gradient in one pass where libtorch's operators take a SiLU backward, a norm backward and reductions of their own.
// With g = dL/d(x^) = gamma * dL/d(affine output), the input gradient of a normalization over a set of L values is
//   dx = rstd * (g - mean(g) - x^ * mean(g * x^)),
// dgamma = sum(dL/d(affine) * x^) and dbeta = sum(dL/d(affine)) per channel; both kernels accumulate in float32. As in
// the forward, TX is the input's type (x, shift, and so dx, dshift), TY the output's (dy) and TP the parameters' (gamma,
// beta).
#include "rc_norm_device.cuh"
#include "rc_norm_kernels.h"

namespace {

using namespace rc::kernels::device;
using rc::kernels::kCachedValues;

// One block per (sample, group), the forward's layout. Per channel of the group the block sums dL/da * x^, dL/da and x^
// (a: the affine output); the group's mean(g) and mean(g * x^), dshift and the weight gradients all follow from those.
// Shared memory: (warps + 1) * 3 * channels_per_group floats.
template <typename TX, typename TY, typename TP>
__global__ void __launch_bounds__(1024)
    group_norm_backward_kernel(const TX* __restrict__ x, const TX* __restrict__ shift, const TP* __restrict__ gamma,
                               const TP* __restrict__ beta, const float* __restrict__ mean_in, const float* __restrict__ rstd_in,
                               const TY* __restrict__ dy, TX* __restrict__ dx, TX* __restrict__ dshift,
                               float* __restrict__ dgamma_n, float* __restrict__ dbeta_n, GroupLayout layout, int groups,
                               bool silu) {
  extern __shared__ float sums[];
  const int n = blockIdx.x / groups, g = blockIdx.x % groups;
  const int cpg = layout.channels_per_group, length = cpg * layout.hw, first = g * cpg;
  const int64_t base = static_cast<int64_t>(n) * layout.channels * layout.hw;
  const TX* shift_n = shift == nullptr ? nullptr : shift + static_cast<int64_t>(n) * layout.channels;
  const float mean = mean_in[blockIdx.x], rstd = rstd_in[blockIdx.x];
  float xhat[kCachedValues], da[kCachedValues];
  int offsets[kCachedValues], channels[kCachedValues];
#pragma unroll
  for (int k = 0; k < kCachedValues; ++k) {
    const int i = threadIdx.x + k * blockDim.x;
    channels[k] = -1;
    if (i < length) {
      layout.locate(g, i, offsets[k], channels[k]);
      xhat[k] = (shifted(x, base + offsets[k], shift_n, channels[k]) - mean) * rstd;
      da[k] = affine_grad(load(dy, base + offsets[k]), xhat[k], load_or(gamma, channels[k], 1.f), load_or(beta, channels[k], 0.f), silu);
    }
  }
  // Per channel: each warp's sums into sums[warp][quantity][channel], then one thread per (quantity, channel) adds the
  // warps' into the row after them.
  const int warps = blockDim.x >> 5, warp = threadIdx.x >> 5, lane = threadIdx.x & 31;
  for (int c = 0; c < cpg; ++c) {
    float s_dax = 0.f, s_da = 0.f, s_x = 0.f;
#pragma unroll
    for (int k = 0; k < kCachedValues; ++k) {
      if (channels[k] == first + c) {
        s_dax += da[k] * xhat[k];
        s_da += da[k];
        s_x += xhat[k];
      }
    }
    s_dax = warp_sum(s_dax);
    s_da = warp_sum(s_da);
    s_x = warp_sum(s_x);
    if (lane == 0) {
      float* row = sums + warp * 3 * cpg;
      row[c] = s_dax;
      row[cpg + c] = s_da;
      row[2 * cpg + c] = s_x;
    }
  }
  __syncthreads();
  float* channel_sums = sums + warps * 3 * cpg;  // [Σ dL/da * x^ | Σ dL/da | Σ x^], cpg values each
  if (static_cast<int>(threadIdx.x) < 3 * cpg) {
    float v = 0.f;
    for (int w = 0; w < warps; ++w) v += sums[w * 3 * cpg + threadIdx.x];
    channel_sums[threadIdx.x] = v;
  }
  __syncthreads();
  float mean_g = 0.f, mean_gx = 0.f;
  for (int c = 0; c < cpg; ++c) {
    const float gm = load_or(gamma, first + c, 1.f);
    mean_gx += gm * channel_sums[c];
    mean_g += gm * channel_sums[cpg + c];
  }
  mean_g /= static_cast<float>(length);
  mean_gx /= static_cast<float>(length);
#pragma unroll
  for (int k = 0; k < kCachedValues; ++k) {
    if (channels[k] >= 0) {
      const float gk = da[k] * load_or(gamma, channels[k], 1.f);
      dx[base + offsets[k]] = round_to<TX>(rstd * (gk - mean_g - xhat[k] * mean_gx));
    }
  }
  if (static_cast<int>(threadIdx.x) < cpg) {
    const int c = threadIdx.x;
    const int64_t at = static_cast<int64_t>(n) * layout.channels + first + c;
    dgamma_n[at] = channel_sums[c];
    dbeta_n[at] = channel_sums[cpg + c];
    if (dshift != nullptr) {
      // The sum over the channel's hw values of dx.
      const float gm = load_or(gamma, first + c, 1.f);
      dshift[at] = round_to<TX>(rstd * (gm * channel_sums[cpg + c] - layout.hw * mean_g - mean_gx * channel_sums[2 * cpg + c]));
    }
  }
}

// Each warp takes rows grid-stride, one at a time, and keeps its lanes' columns of dgamma and dbeta in registers; the
// block then adds its warps' into one row of the partial sums.
template <typename TX, typename TY, typename TP>
__global__ void layer_norm_backward_kernel(const TX* __restrict__ x, const TP* __restrict__ gamma, const float* __restrict__ mean_in,
                                           const float* __restrict__ rstd_in, const TY* __restrict__ dy, TX* __restrict__ dx,
                                           float* __restrict__ dgamma_b, float* __restrict__ dbeta_b, int64_t rows, int cols) {
  constexpr int kWarps = rc::kernels::kLayerNormWarpsPerBlock;
  __shared__ float partial[kWarps][2][32 * kCachedValues];
  const int lane = threadIdx.x & 31, warp = threadIdx.x >> 5;
  float dgamma[kCachedValues], dbeta[kCachedValues];
#pragma unroll
  for (int k = 0; k < kCachedValues; ++k) dgamma[k] = dbeta[k] = 0.f;
  const int64_t stride = static_cast<int64_t>(gridDim.x) * kWarps;
  for (int64_t row = static_cast<int64_t>(blockIdx.x) * kWarps + warp; row < rows; row += stride) {
    const TX* xr = x + row * cols;
    const TY* dyr = dy + row * cols;
    const float mean = mean_in[row], rstd = rstd_in[row];
    float xhat[kCachedValues], gk[kCachedValues];
    float sum_g = 0.f, sum_gx = 0.f;
#pragma unroll
    for (int k = 0; k < kCachedValues; ++k) {
      const int i = lane + 32 * k;
      if (i < cols) {
        xhat[k] = (load(xr, i) - mean) * rstd;
        const float d = load(dyr, i);
        gk[k] = d * load_or(gamma, i, 1.f);
        sum_g += gk[k];
        sum_gx += gk[k] * xhat[k];
        dgamma[k] += d * xhat[k];
        dbeta[k] += d;
      }
    }
    const float mean_g = warp_sum(sum_g) / static_cast<float>(cols);
    const float mean_gx = warp_sum(sum_gx) / static_cast<float>(cols);
    TX* dxr = dx + row * cols;
#pragma unroll
    for (int k = 0; k < kCachedValues; ++k) {
      const int i = lane + 32 * k;
      if (i < cols) dxr[i] = round_to<TX>(rstd * (gk[k] - mean_g - xhat[k] * mean_gx));
    }
  }
#pragma unroll
  for (int k = 0; k < kCachedValues; ++k) {
    const int i = lane + 32 * k;
    if (i < cols) {
      partial[warp][0][i] = dgamma[k];
      partial[warp][1][i] = dbeta[k];
    }
  }
  __syncthreads();
  for (int i = threadIdx.x; i < cols; i += blockDim.x) {
    float a = 0.f, b = 0.f;
#pragma unroll
    for (int w = 0; w < kWarps; ++w) {
      a += partial[w][0][i];
      b += partial[w][1][i];
    }
    dgamma_b[static_cast<int64_t>(blockIdx.x) * cols + i] = a;
    dbeta_b[static_cast<int64_t>(blockIdx.x) * cols + i] = b;
  }
}

}  // namespace

namespace rc::kernels {

int launch_group_norm_backward(NormDType x_dtype, NormDType y_dtype, NormDType p_dtype, const void* x, const void* shift, const void* gamma,
                               const void* beta, const float* mean, const float* rstd, const void* dy, void* dx, void* dshift,
                               float* dgamma_n, float* dbeta_n, int64_t n, int64_t channels, int64_t hw, bool channels_last,
                               int64_t groups, bool silu, void* stream) {
  if (channels_last && aligned16(dy) && aligned16(dx)) {
    if (const auto plan = channels_last_backward_kernel_plan(channels, hw, groups, x_dtype, y_dtype, x, shift))
      return launch_group_norm_backward_channels_last(plan, x_dtype, y_dtype, p_dtype, x, shift, gamma, beta, mean, rstd, dy, dx,
                                                      dshift, dgamma_n, dbeta_n, n, channels, hw, groups, silu, stream);
  }
  if (!group_norm_backward_fits(channels, hw, groups)) return static_cast<int>(cudaErrorInvalidValue);
  const GroupLayout layout{static_cast<int>(channels), static_cast<int>(channels / groups), static_cast<int>(hw), channels_last};
  const int length = layout.channels_per_group * layout.hw;
  const int per_thread = (length + kCachedValues - 1) / kCachedValues;
  const int threads = std::max(((per_thread + 31) / 32) * 32, ((3 * layout.channels_per_group + 31) / 32) * 32);
  const size_t shared = static_cast<size_t>(threads / 32 + 1) * 3 * layout.channels_per_group * sizeof(float);
  return dispatch_dtypes(x_dtype, y_dtype, p_dtype, [&](auto tx, auto ty, auto tp) {
    using TX = decltype(tx);
    using TY = decltype(ty);
    using TP = decltype(tp);
    group_norm_backward_kernel<TX, TY, TP><<<static_cast<unsigned>(n * groups), threads, shared, static_cast<cudaStream_t>(stream)>>>(
        static_cast<const TX*>(x), static_cast<const TX*>(shift), static_cast<const TP*>(gamma), static_cast<const TP*>(beta),
        mean, rstd, static_cast<const TY*>(dy), static_cast<TX*>(dx), static_cast<TX*>(dshift), dgamma_n, dbeta_n, layout,
        static_cast<int>(groups), silu);
    return static_cast<int>(cudaGetLastError());
  });
}

int launch_layer_norm_backward(NormDType x_dtype, NormDType y_dtype, NormDType p_dtype, const void* x, const void* gamma, const float* mean,
                               const float* rstd, const void* dy, void* dx, float* dgamma_b, float* dbeta_b, int64_t rows,
                               int64_t cols, void* stream) {
  if (!layer_norm_fits(cols)) return static_cast<int>(cudaErrorInvalidValue);
  return dispatch_dtypes(x_dtype, y_dtype, p_dtype, [&](auto tx, auto ty, auto tp) {
    using TX = decltype(tx);
    using TY = decltype(ty);
    using TP = decltype(tp);
    layer_norm_backward_kernel<TX, TY, TP><<<static_cast<unsigned>(layer_norm_backward_blocks(rows)), kLayerNormWarpsPerBlock * 32, 0,
                                         static_cast<cudaStream_t>(stream)>>>(
        static_cast<const TX*>(x), static_cast<const TP*>(gamma), mean, rstd, static_cast<const TY*>(dy), static_cast<TX*>(dx),
        dgamma_b, dbeta_b, rows, static_cast<int>(cols));
    return static_cast<int>(cudaGetLastError());
  });
}

}  // namespace rc::kernels
