// Device helpers shared by the normalization kernels (rc_norm_kernels.cu: forward, rc_norm_backward_kernels.cu:
// backward): float32 loads and rounding of each float dtype, warp and block sums, and where a (sample, group) segment
// of GroupNorm keeps its values in NCHW and channels-last maps.
#pragma once
#include <cuda_bf16.h>
#include <cuda_fp16.h>
#include <cuda_runtime.h>

#include <cstdint>

#include "rc_norm_kernels.h"

namespace rc::kernels::device {

template <typename T> __device__ __forceinline__ float load(const T* p, int64_t i);
template <> __device__ __forceinline__ float load<float>(const float* p, int64_t i) { return p[i]; }
template <> __device__ __forceinline__ float load<__nv_bfloat16>(const __nv_bfloat16* p, int64_t i) { return __bfloat162float(p[i]); }
template <> __device__ __forceinline__ float load<__half>(const __half* p, int64_t i) { return __half2float(p[i]); }

template <typename T> __device__ __forceinline__ T round_to(float v);
template <> __device__ __forceinline__ float round_to<float>(float v) { return v; }
template <> __device__ __forceinline__ __nv_bfloat16 round_to<__nv_bfloat16>(float v) { return __float2bfloat16(v); }
template <> __device__ __forceinline__ __half round_to<__half>(float v) { return __float2half(v); }

__device__ __forceinline__ float warp_sum(float v) {
  for (int offset = 16; offset > 0; offset >>= 1) v += __shfl_xor_sync(0xffffffffu, v, offset);
  return v;
}

// The sum over the block, returned to every thread. blockDim.x is a multiple of 32.
__device__ inline float block_sum(float v, float* partial) {
  v = warp_sum(v);
  const int lane = threadIdx.x & 31, warp = threadIdx.x >> 5;
  if (lane == 0) partial[warp] = v;
  __syncthreads();
  v = lane < static_cast<int>(blockDim.x >> 5) ? partial[lane] : 0.f;
  v = warp_sum(v);
  __syncthreads();  // partial is reused by the next reduction
  return v;
}

// Where value i of a (sample, group) segment of channels_per_group * hw values lives within its sample, and its channel.
// NCHW: the group is one contiguous run; channels-last: hw pixels of channels_per_group adjacent values, channels apart.
// 32-bit: group_norm_fits keeps a sample's values below 2^31.
struct GroupLayout {
  int channels, channels_per_group, hw;
  bool channels_last;

  __device__ __forceinline__ void locate(int g, int i, int& offset, int& channel) const {
    if (channels_last) {
      const int pixel = i / channels_per_group;
      channel = g * channels_per_group + (i - pixel * channels_per_group);
      offset = pixel * channels + channel;
    } else {
      const int run = i / hw;
      channel = g * channels_per_group + run;
      offset = channel * hw + (i - run * hw);
    }
  }
};

// The input of GroupNorm's normalization: x, plus shift (n, channels) when given.
template <typename T>
__device__ __forceinline__ float shifted(const T* x, int64_t offset, const T* shift_n, int channel) {
  float v = load(x, offset);
  if (shift_n != nullptr) v += load(shift_n, channel);
  return v;
}

__device__ __forceinline__ float sigmoid(float v) { return 1.f / (1.f + __expf(-v)); }

// dL/da for the affine output a = gamma * x^ + beta, from dL/dy: through SiLU's derivative when y = SiLU(a), else dL/dy.
__device__ __forceinline__ float affine_grad(float dy, float xhat, float gamma, float beta, bool silu) {
  if (!silu) return dy;
  const float a = gamma * xhat + beta, s = sigmoid(a);
  return dy * s * (1.f + a * (1.f - s));
}

template <typename T>
__device__ __forceinline__ float load_or(const T* p, int64_t i, float fallback) { return p == nullptr ? fallback : load(p, i); }

// Calls launch(TX{}, TY{}, TP{}) with the C++ types of a supported dtype triple (dtypes_supported): one dtype throughout,
// or, with float32 parameters, a 16-bit input with a float32 output or a float32 or same-width input with a 16-bit output
// (autocast's norms, and their output as the convolution or linear after them takes it); cudaErrorInvalidValue for any
// other.
template <typename Launch>
int dispatch_dtypes(NormDType x_dtype, NormDType y_dtype, NormDType p_dtype, Launch&& launch) {
  if (!dtypes_supported(x_dtype, y_dtype, p_dtype)) return static_cast<int>(cudaErrorInvalidValue);
  using D = NormDType;
  if (x_dtype == y_dtype && y_dtype == p_dtype) {
    switch (x_dtype) {
      case D::Float32: return launch(float{}, float{}, float{});
      case D::BFloat16: return launch(__nv_bfloat16{}, __nv_bfloat16{}, __nv_bfloat16{});
      case D::Float16: return launch(__half{}, __half{}, __half{});
    }
  }
  if (y_dtype == D::Float32) return x_dtype == D::BFloat16 ? launch(__nv_bfloat16{}, float{}, float{}) : launch(__half{}, float{}, float{});
  if (y_dtype == D::BFloat16) return x_dtype == D::BFloat16 ? launch(__nv_bfloat16{}, __nv_bfloat16{}, float{}) : launch(float{}, __nv_bfloat16{}, float{});
  return x_dtype == D::Float16 ? launch(__half{}, __half{}, float{}) : launch(float{}, __half{}, float{});
}

// Calls launch(TA{}, TB{}) with the C++ types of two float dtypes.
template <typename Launch>
int dispatch_pair(NormDType a, NormDType b, Launch&& launch) {
  auto with_b = [&](auto ta) {
    switch (b) {
      case NormDType::Float32: return launch(ta, float{});
      case NormDType::BFloat16: return launch(ta, __nv_bfloat16{});
      case NormDType::Float16: return launch(ta, __half{});
    }
    return static_cast<int>(cudaErrorInvalidValue);
  };
  switch (a) {
    case NormDType::Float32: return with_b(float{});
    case NormDType::BFloat16: return with_b(__nv_bfloat16{});
    case NormDType::Float16: return with_b(__half{});
  }
  return static_cast<int>(cudaErrorInvalidValue);
}

}  // namespace rc::kernels::device
