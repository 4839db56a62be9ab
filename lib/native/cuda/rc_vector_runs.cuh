// Runs of 8 consecutive values read and written as 16-byte vectors (32 bytes for float32) and kept packed in registers:
// the channels-last GroupNorm kernels' 8 adjacent channels of a pixel, the squared-error kernels' 8 adjacent elements.
#pragma once
#include <cuda_bf16.h>
#include <cuda_fp16.h>
#include <cuda_runtime.h>

#include <cstdint>

namespace rc::kernels::device {

constexpr int kRunLength = 8;

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
__device__ __forceinline__ void store_run(T* p, const float (&v)[kRunLength]) {
  unsigned w[kRunLength / 2];
#pragma unroll
  for (int i = 0; i < kRunLength / 2; ++i)
    w[i] = to_bits(static_cast<T*>(nullptr), v[2 * i]) | (to_bits(static_cast<T*>(nullptr), v[2 * i + 1]) << 16);
  *reinterpret_cast<uint4*>(p) = make_uint4(w[0], w[1], w[2], w[3]);
}
__device__ __forceinline__ void store_run(float* p, const float (&v)[kRunLength]) {
  reinterpret_cast<float4*>(p)[0] = make_float4(v[0], v[1], v[2], v[3]);
  reinterpret_cast<float4*>(p)[1] = make_float4(v[4], v[5], v[6], v[7]);
}

}  // namespace rc::kernels::device
