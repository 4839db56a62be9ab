// GroupNorm (+ shift before, + SiLU after) forward on a channels-last map, with vector loads: the kernel
// launch_group_norm takes where a channels-last map's shape allows it (channels_last_plan), in place of the general
// kernel's one block per (sample, group), whose warps read a few adjacent channels of each pixel (8 of a pixel's 64
// bytes for 4 channels per group in bf16) one value per thread, and recompute each value's place and channel.
//
// Here a block takes one sample's pixels over a slab of whole groups: slab / 8 runs of 8 adjacent channels, each run read
// by its own warps as one 16-byte (bf16) or 32-byte (float32) vector per pixel, so a warp reads 32 pixels' runs and the
// block every byte of the slab's sectors. Each thread keeps its pixels' runs (at most runs_per_thread) in registers
// and its 8 channels' shift, scale and bias once. The statistics are per group as in the general kernel (float32, mean
// first, then the mean squared deviation), summed per warp with shuffles and across warps in a fixed order, so the
// result is the same from run to run.
#include "rc_channels_last_device.cuh"

namespace {

using namespace rc::kernels::device;
using rc::kernels::ChannelsLastPlan;
using rc::kernels::kChannelRun;

// The sum over the block of each group of the slab: per channel (sum_channels), then per group over its channels into
// group_sums, in a fixed order.
__device__ __forceinline__ void sum_groups(float (&per_channel)[1][kChannelRun], float* partial, float* channel_sums, float* group_sums,
                                           int slab, int channels_per_group, int pixel_threads) {
  sum_channels<1>(per_channel, partial, channel_sums, slab, pixel_threads);
  const int t = threadIdx.x;
  if (t < slab / channels_per_group) {
    float sum = 0.f;
    for (int c = t * channels_per_group; c < (t + 1) * channels_per_group; ++c) sum += channel_sums[c];
    group_sums[t] = sum;
  }
  __syncthreads();
}

template <typename TX, typename TY, typename TP>
__global__ void __launch_bounds__(kMaxThreads)
    group_norm_channels_last_kernel(const TX* __restrict__ x, TY* __restrict__ y, const TP* __restrict__ gamma,
                                    const TP* __restrict__ beta, const TX* __restrict__ shift, int channels, int hw,
                                    int channels_per_group, int slab, int pixel_threads, float eps, bool silu,
                                    float* __restrict__ mean_out, float* __restrict__ rstd_out) {
  __shared__ float partial[kMaxThreads / 32 * kChannelRun], channel_sums[kMaxSlab], sums[kMaxSlab], squares[kMaxSlab];
  const int slabs = channels / slab;
  const int n = blockIdx.x / slabs, s = blockIdx.x % slabs;
  const int c0 = s * slab + (threadIdx.x / pixel_threads) * kChannelRun;  // this thread's 8 channels
  const int first_pixel = threadIdx.x % pixel_threads;
  const int first_group = s * slab / channels_per_group;
  const int64_t sample = static_cast<int64_t>(n) * hw * channels;
  const float count = static_cast<float>(channels_per_group) * static_cast<float>(hw);

  constexpr int kRuns = kRunsOf<TX>;
  Run<TX> runs[kRuns];
  float sums_of_channels[1][kChannelRun] = {};
  float(&per_channel)[kChannelRun] = sums_of_channels[0];
  int pixels = 0;
#pragma unroll
  for (int k = 0; k < kRuns; ++k) {
    const int p = first_pixel + k * pixel_threads;
    if (p < hw) {
      runs[k].read(x + sample + static_cast<int64_t>(p) * channels + c0);
      ++pixels;
#pragma unroll
      for (int j = 0; j < kChannelRun; ++j) per_channel[j] += runs[k][j];
    }
  }
  // The shift is per channel: x + shift sums to sum(x) + pixels * shift, and x + shift - mean is x - (mean - shift).
  float shift_run[kChannelRun] = {};
  if (shift != nullptr) {
    Run<TX> run;
    run.read(shift + static_cast<int64_t>(n) * channels + c0);
#pragma unroll
    for (int j = 0; j < kChannelRun; ++j) {
      shift_run[j] = run[j];
      per_channel[j] += static_cast<float>(pixels) * shift_run[j];
    }
  }
  sum_groups(sums_of_channels, partial, channel_sums, sums, slab, channels_per_group, pixel_threads);
  float centre[kChannelRun];  // the group's mean less the channel's shift
#pragma unroll
  for (int j = 0; j < kChannelRun; ++j) {
    centre[j] = sums[(c0 + j) / channels_per_group - first_group] / count - shift_run[j];
    per_channel[j] = 0.f;
  }
#pragma unroll
  for (int k = 0; k < kRuns; ++k) {
    if (first_pixel + k * pixel_threads < hw) {
#pragma unroll
      for (int j = 0; j < kChannelRun; ++j) {
        const float d = runs[k][j] - centre[j];
        per_channel[j] += d * d;
      }
    }
  }
  sum_groups(sums_of_channels, partial, channel_sums, squares, slab, channels_per_group, pixel_threads);
  if (mean_out != nullptr && static_cast<int>(threadIdx.x) < slab / channels_per_group) {
    const int64_t g = static_cast<int64_t>(n) * (channels / channels_per_group) + first_group + threadIdx.x;
    mean_out[g] = sums[threadIdx.x] / count;
    rstd_out[g] = rsqrtf(squares[threadIdx.x] / count + eps);
  }
  // y = (x - centre) * rstd * gamma + beta, as scale * x + bias per channel.
  float scale[kChannelRun], bias[kChannelRun];
#pragma unroll
  for (int j = 0; j < kChannelRun; ++j) {
    const float rstd = rsqrtf(squares[(c0 + j) / channels_per_group - first_group] / count + eps);
    scale[j] = rstd * load_or(gamma, c0 + j, 1.f);
    bias[j] = load_or(beta, c0 + j, 0.f) - centre[j] * scale[j];
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
