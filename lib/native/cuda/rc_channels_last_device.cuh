// Device helpers of the channels-last GroupNorm kernels (rc_group_norm_channels_last.cu: forward,
// rc_group_norm_channels_last_backward.cu: backward): the block's per-channel sums of a slab (a run of 8 adjacent channels
// of one pixel is read and written as one vector: rc_vector_runs.cuh). A block takes one sample's pixels over a slab of whole groups;
// its threads are slab / 8 runs of pixel_threads threads (a multiple of 32), a thread's 8 channels being those of its run.
#pragma once
#include <cuda_bf16.h>
#include <cuda_fp16.h>
#include <cuda_runtime.h>

#include <cstdint>

#include "rc_norm_device.cuh"
#include "rc_norm_kernels.h"
#include "rc_vector_runs.cuh"

namespace rc::kernels::device {

constexpr int kMaxThreads = kChannelsLastMaxThreads;
constexpr int kMaxSlab = kMaxThreads / 32 * kChannelRun;  // a warp per run at least
static_assert(kChannelRun == kRunLength, "a thread's channels are one vector run");

// The block's sums of Q quantities per channel, in two steps: each warp's (one run of channels, 32 pixels) by shuffles
// into partial (kMaxThreads / 32 * Q * kChannelRun floats), then sum_partials per channel over its run's warps into
// channel_sums[q * slab + channel of the slab], in a fixed order, so the result is the same from run to run.
template <int Q>
__device__ __forceinline__ void store_warp_sum(float v, float* partial, int q, int j) {
  v = warp_sum(v);
  if ((threadIdx.x & 31) == 0) partial[((threadIdx.x >> 5) * Q + q) * kChannelRun + j] = v;
}

// Synchronizes the block before and after.
template <int Q>
__device__ __forceinline__ void sum_partials(const float* partial, float* channel_sums, int slab, int pixel_threads) {
  __syncthreads();
  const int t = threadIdx.x;
  if (t < slab) {
    const int warps_per_run = pixel_threads >> 5, run = t / kChannelRun, j = t % kChannelRun;
#pragma unroll
    for (int q = 0; q < Q; ++q) {
      float sum = 0.f;
      for (int w = run * warps_per_run; w < (run + 1) * warps_per_run; ++w) sum += partial[(w * Q + q) * kChannelRun + j];
      channel_sums[q * slab + t] = sum;
    }
  }
  __syncthreads();
}

template <int Q>
__device__ __forceinline__ void sum_channels(const float (&values)[Q][kChannelRun], float* partial, float* channel_sums, int slab,
                                             int pixel_threads) {
#pragma unroll
  for (int q = 0; q < Q; ++q) {
#pragma unroll
    for (int j = 0; j < kChannelRun; ++j) store_warp_sum<Q>(values[q][j], partial, q, j);
  }
  sum_partials<Q>(partial, channel_sums, slab, pixel_threads);
}

}  // namespace rc::kernels::device
