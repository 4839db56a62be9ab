// Device helpers of the channels-last GroupNorm kernels (rc_group_norm_channels_last.cu: forward,
// rc_group_norm_channels_last_backward.cu: backward): a run of 8 adjacent channels of one pixel read and written as
// vectors, and the block's per-channel sums of a slab. A block takes one sample's pixels over a slab of whole groups;
// its threads are slab / 8 runs of pixel_threads threads (a multiple of 32), a thread's 8 channels being those of its run.
#pragma once
#include <cuda_bf16.h>
#include <cuda_fp16.h>
#include <cuda_runtime.h>

#include <cstdint>

#include "rc_norm_device.cuh"
#include "rc_norm_kernels.h"

namespace rc::kernels::device {

constexpr int kMaxThreads = kChannelsLastMaxThreads;
constexpr int kMaxSlab = kMaxThreads / 32 * kChannelRun;  // a warp per run at least

// 16-bit values to and from their bits, so that a run's words stay in registers (a union or a cast of their address
// would put them in local memory).
__device__ __forceinline__ float from_bits(__nv_bfloat16*, unsigned bits) { return __uint_as_float(bits << 16); }
__device__ __forceinline__ float from_bits(__half*, unsigned bits) { return __half2float(__ushort_as_half(static_cast<unsigned short>(bits))); }
__device__ __forceinline__ unsigned to_bits(__nv_bfloat16*, float v) { return __bfloat16_as_ushort(__float2bfloat16(v)); }
__device__ __forceinline__ unsigned to_bits(__half*, float v) { return __half_as_ushort(__float2half(v)); }

// A run of 8 consecutive values as read from memory (one 16-byte access for 16-bit types, two for float32), kept so in
// registers (16-bit values take half the registers of float32 ones), read and set as float32 (j a constant once unrolled).
template <typename T>
struct Run {
  uint4 raw;
  __device__ __forceinline__ void read(const T* p) { raw = *reinterpret_cast<const uint4*>(p); }
  __device__ __forceinline__ void write(T* p) const { *reinterpret_cast<uint4*>(p) = raw; }
  __device__ __forceinline__ float operator[](int j) const {
    const unsigned word = j < 2 ? raw.x : j < 4 ? raw.y : j < 6 ? raw.z : raw.w;
    return from_bits(static_cast<T*>(nullptr), j % 2 == 0 ? word & 0xffffu : word >> 16);
  }
  __device__ __forceinline__ void set(int j, float v) {
    unsigned& word = j < 2 ? raw.x : j < 4 ? raw.y : j < 6 ? raw.z : raw.w;
    const unsigned bits = to_bits(static_cast<T*>(nullptr), v);
    word = j % 2 == 0 ? (word & 0xffff0000u) | bits : (word & 0xffffu) | (bits << 16);
  }
};
template <>
struct Run<float> {
  float4 low, high;
  __device__ __forceinline__ void read(const float* p) {
    low = reinterpret_cast<const float4*>(p)[0];
    high = reinterpret_cast<const float4*>(p)[1];
  }
  __device__ __forceinline__ void write(float* p) const {
    reinterpret_cast<float4*>(p)[0] = low;
    reinterpret_cast<float4*>(p)[1] = high;
  }
  __device__ __forceinline__ float operator[](int j) const {
    const float4& q = j < 4 ? low : high;
    const int i = j % 4;
    return i == 0 ? q.x : i == 1 ? q.y : i == 2 ? q.z : q.w;
  }
  __device__ __forceinline__ void set(int j, float v) {
    float4& q = j < 4 ? low : high;
    const int i = j % 4;
    (i == 0 ? q.x : i == 1 ? q.y : i == 2 ? q.z : q.w) = v;
  }
};

// Runs a thread keeps in registers: 16 registers of x either way (rc::kernels::runs_per_thread, which the plans use).
template <typename T>
constexpr int kRunsOf = sizeof(T) >= 4 ? 2 : 4;

template <typename T>
__device__ __forceinline__ void store_run(T* p, const float (&v)[kChannelRun]) {
  unsigned w[kChannelRun / 2];
#pragma unroll
  for (int i = 0; i < kChannelRun / 2; ++i)
    w[i] = to_bits(static_cast<T*>(nullptr), v[2 * i]) | (to_bits(static_cast<T*>(nullptr), v[2 * i + 1]) << 16);
  *reinterpret_cast<uint4*>(p) = make_uint4(w[0], w[1], w[2], w[3]);
}
__device__ __forceinline__ void store_run(float* p, const float (&v)[kChannelRun]) {
  reinterpret_cast<float4*>(p)[0] = make_float4(v[0], v[1], v[2], v[3]);
  reinterpret_cast<float4*>(p)[1] = make_float4(v[4], v[5], v[6], v[7]);
}

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
