// GroupNorm (+ shift before, + SiLU after) forward on a channels-last map, with vector loads: the kernel
// launch_group_norm takes where a channels-last map's shape allows it (channels_last_plan), in place of the general
// kernel's one block per (sample, group), whose warps read a few adjacent channels of each pixel (8 of a pixel's 64
// bytes for 4 channels per group in bf16) one value per thread, and recompute each value's place and channel.
//
// Here a block takes one sample's pixels over a slab of whole groups: slab / 8 runs of 8 adjacent channels, each run read
// by its own warps as one 16-byte (bf16) or 32-byte (float32) vector per pixel, so a warp reads 32 pixels' runs and the
// block every byte of the slab's sectors. Each thread keeps its pixels' runs (at most runs_per_thread) in registers
// and its 8 channels' shift, scale and bias once. The statistics are per group in float32: one block reduction of each
// channel's sum and sum of squares taken relative to the channel's first value (the general kernel takes the mean first
// and then the squared deviations, two reductions, each a round of block barriers), summed per warp with shuffles and
// across warps in a fixed order, so the result is the same from run to run.
#include "rc_channels_last_device.cuh"

namespace {

using namespace rc::kernels::device;
using rc::kernels::ChannelsLastPlan;
using rc::kernels::kChannelRun;

template <typename TX, typename TY, typename TP>
__global__ void __launch_bounds__(kMaxThreads)
    group_norm_channels_last_kernel(const TX* __restrict__ x, TY* __restrict__ y, const TP* __restrict__ gamma,
                                    const TP* __restrict__ beta, const TX* __restrict__ shift, int channels, int hw,
                                    int channels_per_group, int slab, int pixel_threads, float eps, bool silu,
                                    float* __restrict__ mean_out, float* __restrict__ rstd_out) {
  __shared__ float partial[kMaxThreads / 32 * 2 * kChannelRun], channel_sums[2 * kMaxSlab], origins[kMaxSlab], means[kMaxSlab],
      rstds[kMaxSlab];
  const int slabs = channels / slab;
  const int n = blockIdx.x / slabs, s = blockIdx.x % slabs;
  const int c0 = s * slab + (threadIdx.x / pixel_threads) * kChannelRun;  // this thread's 8 channels
  const int first_pixel = threadIdx.x % pixel_threads;
  const int first_group = s * slab / channels_per_group;
  const int64_t sample = static_cast<int64_t>(n) * hw * channels;

  // Each channel's values are summed relative to its first pixel's value, sums and sums of squares in one pass: the
  // moments of values near their origin, so the squares do not cancel as raw ones would.
  constexpr int kRuns = kRunsOf<TX>;
  Run<TX> runs[kRuns], origin;
  origin.read(x + sample + c0);
  float moments[2][kChannelRun] = {};
#pragma unroll
  for (int k = 0; k < kRuns; ++k) {
    const int p = first_pixel + k * pixel_threads;
    if (p < hw) {
      runs[k].read(x + sample + static_cast<int64_t>(p) * channels + c0);
#pragma unroll
      for (int j = 0; j < kChannelRun; ++j) {
        const float d = runs[k][j] - origin[j];
        moments[0][j] += d;
        moments[1][j] += d * d;
      }
    }
  }
  // The shift is per channel: it moves the channel's mean (the origin of x + shift is the origin plus the shift) and
  // leaves its spread; x + shift - mean is x - (mean - shift).
  float shift_run[kChannelRun] = {};
  if (shift != nullptr) {
    Run<TX> run;
    run.read(shift + static_cast<int64_t>(n) * channels + c0);
#pragma unroll
    for (int j = 0; j < kChannelRun; ++j) shift_run[j] = run[j];
  }
  if (first_pixel == 0) {
#pragma unroll
    for (int j = 0; j < kChannelRun; ++j) origins[c0 - s * slab + j] = origin[j] + shift_run[j];
  }
  sum_channels<2>(moments, partial, channel_sums, slab, pixel_threads);
  // Each group's mean and spread from its channels' (the channels' squared deviations plus their means' from the group's).
  if (static_cast<int>(threadIdx.x) < slab / channels_per_group) {
    const int first = threadIdx.x * channels_per_group;
    const float pixels = static_cast<float>(hw);
    float mean = 0.f;
    for (int c = first; c < first + channels_per_group; ++c) mean += origins[c] + channel_sums[c] / pixels;
    mean /= static_cast<float>(channels_per_group);
    float m2 = 0.f;
    for (int c = first; c < first + channels_per_group; ++c) {
      const float offset = channel_sums[c] / pixels, deviation = origins[c] + offset - mean;
      m2 += channel_sums[slab + c] - offset * channel_sums[c] + pixels * deviation * deviation;
    }
    const float rstd = rsqrtf(fmaxf(m2, 0.f) / (static_cast<float>(channels_per_group) * pixels) + eps);
    means[threadIdx.x] = mean;
    rstds[threadIdx.x] = rstd;
    if (mean_out != nullptr) {
      const int64_t g = static_cast<int64_t>(n) * (channels / channels_per_group) + first_group + threadIdx.x;
      mean_out[g] = mean;
      rstd_out[g] = rstd;
    }
  }
  __syncthreads();
  // y = (x - (mean - shift)) * rstd * gamma + beta, as scale * x + bias per channel.
  float scale[kChannelRun], bias[kChannelRun];
#pragma unroll
  for (int j = 0; j < kChannelRun; ++j) {
    const int group = (c0 + j) / channels_per_group - first_group;
    scale[j] = rstds[group] * load_or(gamma, c0 + j, 1.f);
    bias[j] = load_or(beta, c0 + j, 0.f) - (means[group] - shift_run[j]) * scale[j];
  }
#pragma unroll
  for (int k = 0; k < kRuns; ++k) {
    const int p = first_pixel + k * pixel_threads;
    if (p < hw) {
      float out[kChannelRun];
#pragma unroll
      for (int j = 0; j < kChannelRun; ++j) {
        float v = runs[k][j] * scale[j] + bias[j];
        if (silu) v *= sigmoid(v);
        out[j] = v;
      }
      store_run(y + sample + static_cast<int64_t>(p) * channels + c0, out);
    }
  }
}

}  // namespace

namespace rc::kernels {

int launch_group_norm_channels_last(const ChannelsLastPlan& plan, NormDType x_dtype, NormDType y_dtype, NormDType p_dtype,
                                    const void* x, void* y, const void* gamma, const void* beta, const void* shift, int64_t n,
                                    int64_t channels, int64_t hw, int64_t groups, float eps, bool silu, float* mean, float* rstd,
                                    void* stream) {
  return dispatch_dtypes(x_dtype, y_dtype, p_dtype, [&](auto tx, auto ty, auto tp) {
    using TX = decltype(tx);
    using TY = decltype(ty);
    using TP = decltype(tp);
    group_norm_channels_last_kernel<TX, TY, TP>
        <<<static_cast<unsigned>(n * (channels / plan.slab)), plan.threads(), 0, static_cast<cudaStream_t>(stream)>>>(
            static_cast<const TX*>(x), static_cast<TY*>(y), static_cast<const TP*>(gamma), static_cast<const TP*>(beta),
            static_cast<const TX*>(shift), static_cast<int>(channels), static_cast<int>(hw), static_cast<int>(channels / groups),
            plan.slab, plan.pixel_threads, eps, silu, mean, rstd);
    return static_cast<int>(cudaGetLastError());
  });
}

}  // namespace rc::kernels
