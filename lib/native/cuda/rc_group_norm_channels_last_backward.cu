// The backward of the channels-last GroupNorm (+ shift, + SiLU) with vector loads: what launch_group_norm_backward takes
// for a channels-last map where channels_last_backward_kernel_plan has a plan, laid out as the forward
// (rc_group_norm_channels_last.cu): a block per (sample, slab of whole groups), each thread 8 adjacent channels of its
// pixels, whose runs of x and dy it keeps in registers. It needs no bound on a group's size beyond the plan's (the
// general backward kernel keeps a group's values in one block's registers, 8,192 at most, and at most 64 channels).
//
// From the forward's statistics, x^ and dL/da (a: the affine output) are recomputed per value; one block reduction sums
// per channel dL/da * x^, dL/da and x^ (as the general kernel), whence per group mean(g) and mean(g * x^) with
// g = gamma * dL/da, and dx = rstd * (g - mean(g) - x^ * mean(g * x^)), dshift (the sum of dx over the channel's pixels)
// and the per-sample weight gradients.
#include "rc_channels_last_device.cuh"

namespace {

using namespace rc::kernels::device;
using rc::kernels::ChannelsLastPlan;
using rc::kernels::kChannelRun;

template <typename TX, typename TY, typename TP>
__global__ void __launch_bounds__(kMaxThreads)
    group_norm_backward_channels_last_kernel(const TX* __restrict__ x, const TX* __restrict__ shift, const TP* __restrict__ gamma,
                                             const TP* __restrict__ beta, const float* __restrict__ mean_in,
                                             const float* __restrict__ rstd_in, const TY* __restrict__ dy, TX* __restrict__ dx,
                                             TX* __restrict__ dshift, float* __restrict__ dgamma_n, float* __restrict__ dbeta_n,
                                             int channels, int hw, int channels_per_group, int slab, int pixel_threads, bool silu) {
  // Per channel of the slab: params [centre | rstd | gamma | beta], the centre being the group's mean less the channel's
  // shift (x^ = (x - centre) * rstd); channel_sums [sum of dL/da * x^ | sum of dL/da | sum of x^]. Per group of the slab:
  // group_means (mean(g), mean(g * x^)). The thread's 8 channels' values are read from here channel by channel, so that
  // its registers hold little beside its runs of x and dy.
  __shared__ float partial[kMaxThreads / 32 * 3 * kChannelRun], params[4 * kMaxSlab], channel_sums[3 * kMaxSlab],
      group_means[2 * kMaxSlab];
  const int slabs = channels / slab, groups = channels / channels_per_group;
  const int n = blockIdx.x / slabs, s = blockIdx.x % slabs;
  const int run_channel = (threadIdx.x / pixel_threads) * kChannelRun;  // this thread's first channel within the slab
  const int c0 = s * slab + run_channel;
  const int first_pixel = threadIdx.x % pixel_threads;
  const int64_t sample = static_cast<int64_t>(n) * hw * channels;
  const float count = static_cast<float>(channels_per_group) * static_cast<float>(hw);
  const int t = threadIdx.x;
  if (t < slab) {
    const int c = s * slab + t, g = n * groups + c / channels_per_group;
    params[t] = mean_in[g] - (shift != nullptr ? load(shift, static_cast<int64_t>(n) * channels + c) : 0.f);
    params[slab + t] = rstd_in[g];
    params[2 * slab + t] = load_or(gamma, c, 1.f);
    params[3 * slab + t] = load_or(beta, c, 0.f);
  }
  constexpr int kRuns = kRunsOf<TX> < kRunsOf<TY> ? kRunsOf<TX> : kRunsOf<TY>;  // rc::kernels::runs_per_thread of the wider
  Run<TX> xs[kRuns];
  Run<TY> dys[kRuns];
#pragma unroll
  for (int k = 0; k < kRuns; ++k) {
    if (first_pixel + k * pixel_threads < hw) {
      const int64_t at = sample + static_cast<int64_t>(first_pixel + k * pixel_threads) * channels + c0;
      xs[k].read(x + at);
      dys[k].read(dy + at);
    }
  }
  __syncthreads();
#pragma unroll
  for (int j = 0; j < kChannelRun; ++j) {
    const int c = run_channel + j;
    const float centre = params[c], rstd = params[slab + c], gm = params[2 * slab + c], bt = params[3 * slab + c];
    float dax = 0.f, da = 0.f, xh = 0.f;
#pragma unroll
    for (int k = 0; k < kRuns; ++k) {
      if (first_pixel + k * pixel_threads < hw) {
        const float xhat = (xs[k][j] - centre) * rstd;
        const float d = affine_grad(dys[k][j], xhat, gm, bt, silu);
        dax += d * xhat;
        da += d;
        xh += xhat;
      }
    }
    store_warp_sum<3>(dax, partial, 0, j);
    store_warp_sum<3>(da, partial, 1, j);
    store_warp_sum<3>(xh, partial, 2, j);
  }
  sum_partials<3>(partial, channel_sums, slab, pixel_threads);
  if (t < slab / channels_per_group) {
    float g = 0.f, gx = 0.f;
    for (int c = t * channels_per_group; c < (t + 1) * channels_per_group; ++c) {
      gx += params[2 * slab + c] * channel_sums[c];
      g += params[2 * slab + c] * channel_sums[slab + c];
    }
    group_means[2 * t] = g / count;
    group_means[2 * t + 1] = gx / count;
  }
  __syncthreads();
  // dx overwrites x in the thread's runs, channel by channel.
#pragma unroll
  for (int j = 0; j < kChannelRun; ++j) {
    const int c = run_channel + j;
    const float centre = params[c], rstd = params[slab + c], gm = params[2 * slab + c], bt = params[3 * slab + c];
    const float* means = group_means + 2 * (c / channels_per_group);
    const float mean_g = means[0], mean_gx = means[1];
#pragma unroll
    for (int k = 0; k < kRuns; ++k) {
      if (first_pixel + k * pixel_threads < hw) {
        const float xhat = (xs[k][j] - centre) * rstd;
        const float d = affine_grad(dys[k][j], xhat, gm, bt, silu);
        xs[k].set(j, rstd * (gm * d - mean_g - xhat * mean_gx));
      }
    }
  }
#pragma unroll
  for (int k = 0; k < kRuns; ++k) {
    if (first_pixel + k * pixel_threads < hw) xs[k].write(dx + sample + static_cast<int64_t>(first_pixel + k * pixel_threads) * channels + c0);
  }
  if (t < slab) {
    const int64_t at = static_cast<int64_t>(n) * channels + s * slab + t;
    dgamma_n[at] = channel_sums[t];
    dbeta_n[at] = channel_sums[slab + t];
    if (dshift != nullptr) {
      const float* means = group_means + 2 * (t / channels_per_group);
      dshift[at] = round_to<TX>(params[slab + t] * (params[2 * slab + t] * channel_sums[slab + t] - hw * means[0] -
                                                    means[1] * channel_sums[2 * slab + t]));
    }
  }
}

}  // namespace

namespace rc::kernels {

int launch_group_norm_backward_channels_last(const ChannelsLastPlan& plan, NormDType x_dtype, NormDType y_dtype, NormDType p_dtype,
                                             const void* x, const void* shift, const void* gamma, const void* beta, const float* mean,
                                             const float* rstd, const void* dy, void* dx, void* dshift, float* dgamma_n,
                                             float* dbeta_n, int64_t n, int64_t channels, int64_t hw, int64_t groups, bool silu,
                                             void* stream) {
  return dispatch_dtypes(x_dtype, y_dtype, p_dtype, [&](auto tx, auto ty, auto tp) {
    using TX = decltype(tx);
    using TY = decltype(ty);
    using TP = decltype(tp);
    group_norm_backward_channels_last_kernel<TX, TY, TP>
        <<<static_cast<unsigned>(n * (channels / plan.slab)), plan.threads(), 0, static_cast<cudaStream_t>(stream)>>>(
            static_cast<const TX*>(x), static_cast<const TX*>(shift), static_cast<const TP*>(gamma), static_cast<const TP*>(beta),
            mean, rstd, static_cast<const TY*>(dy), static_cast<TX*>(dx), static_cast<TX*>(dshift), dgamma_n, dbeta_n,
            static_cast<int>(channels), static_cast<int>(hw), static_cast<int>(channels / groups), plan.slab, plan.pixel_threads,
            silu);
    return static_cast<int>(cudaGetLastError());
  });
}

}  // namespace rc::kernels
