// Fused normalization kernels for inference on CUDA: GroupNorm (+ a per-channel shift before, + SiLU after; NCHW or
// channels-last) and LayerNorm over the last dimension, each one
// kernel where libtorch's eager operators launch two or three (statistics, affine, activation), and LayerNorm one warp
// per row, which suits the narrow rows (32-64 channels) of RandCond's U-Nets far better than libtorch's block-per-row
// kernel. Statistics are accumulated in float32 in two passes (mean, then the mean squared deviation) over data that
// stays in L1/L2; the output is rounded to the input's dtype once, after the affine transform and SiLU.
#include <cuda_bf16.h>
#include <cuda_fp16.h>
#include <cuda_runtime.h>

#include "rc_norm_kernels.h"

namespace {

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
__device__ float block_sum(float v, float* partial) {
  v = warp_sum(v);
  const int lane = threadIdx.x & 31, warp = threadIdx.x >> 5;
  if (lane == 0) partial[warp] = v;
  __syncthreads();
  v = lane < static_cast<int>(blockDim.x >> 5) ? partial[lane] : 0.f;
  v = warp_sum(v);
  __syncthreads();  // partial is reused by the next reduction
  return v;
}

// Where value i of a (sample, group) segment of channels_per_group * hw values lives, and its channel. NCHW: the group is
// one contiguous run; channels-last: hw pixels of channels_per_group adjacent values, channels apart.
struct GroupLayout {
  int64_t channels, channels_per_group, hw;
  bool channels_last;

  __device__ __forceinline__ void locate(int64_t n, int64_t g, int64_t i, int64_t& offset, int64_t& channel) const {
    if (channels_last) {
      const int64_t pixel = i / channels_per_group;
      channel = g * channels_per_group + (i - pixel * channels_per_group);
      offset = (n * hw + pixel) * channels + channel;
    } else {
      const int64_t run = i / hw;
      channel = g * channels_per_group + run;
      offset = (n * channels + channel) * hw + (i - run * hw);
    }
  }
};

// One block per (sample, group). shift (n, channels), when given, is added to x before normalizing (a U-Net's time
// embedding, which would otherwise take a broadcast add and a pass over the feature map of its own).
template <typename T>
__global__ void group_norm_kernel(const T* __restrict__ x, T* __restrict__ y, const T* __restrict__ gamma,
                                  const T* __restrict__ beta, const T* __restrict__ shift, GroupLayout layout,
                                  int64_t groups, float eps, bool silu) {
  __shared__ float partial[32];
  const int64_t n = blockIdx.x / groups, g = blockIdx.x % groups;
  const int64_t length = layout.channels_per_group * layout.hw;
  const T* shift_n = shift == nullptr ? nullptr : shift + n * layout.channels;
  auto value = [&](int64_t i, int64_t& offset, int64_t& channel) {
    layout.locate(n, g, i, offset, channel);
    float v = load(x, offset);
    if (shift_n != nullptr) v += load(shift_n, channel);
    return v;
  };
  int64_t offset, channel;
  float sum = 0.f;
  for (int64_t i = threadIdx.x; i < length; i += blockDim.x) sum += value(i, offset, channel);
  const float mean = block_sum(sum, partial) / static_cast<float>(length);
  float squares = 0.f;
  for (int64_t i = threadIdx.x; i < length; i += blockDim.x) {
    const float d = value(i, offset, channel) - mean;
    squares += d * d;
  }
  const float rstd = rsqrtf(block_sum(squares, partial) / static_cast<float>(length) + eps);
  for (int64_t i = threadIdx.x; i < length; i += blockDim.x) {
    float v = (value(i, offset, channel) - mean) * rstd;
    if (gamma != nullptr) v *= load(gamma, channel);
    if (beta != nullptr) v += load(beta, channel);
    if (silu) v = v / (1.f + __expf(-v));
    y[offset] = round_to<T>(v);
  }
}

// One warp per row.
template <typename T>
__global__ void layer_norm_kernel(const T* __restrict__ x, T* __restrict__ y, const T* __restrict__ gamma,
                                  const T* __restrict__ beta, int64_t rows, int64_t cols, float eps) {
  const int64_t row = static_cast<int64_t>(blockIdx.x) * (blockDim.x >> 5) + (threadIdx.x >> 5);
  if (row >= rows) return;  // the whole warp leaves together
  const int lane = threadIdx.x & 31;
  const T* xr = x + row * cols;
  T* yr = y + row * cols;
  float sum = 0.f;
  for (int64_t i = lane; i < cols; i += 32) sum += load(xr, i);
  const float mean = warp_sum(sum) / static_cast<float>(cols);
  float squares = 0.f;
  for (int64_t i = lane; i < cols; i += 32) {
    const float d = load(xr, i) - mean;
    squares += d * d;
  }
  const float rstd = rsqrtf(warp_sum(squares) / static_cast<float>(cols) + eps);
  for (int64_t i = lane; i < cols; i += 32) {
    float v = (load(xr, i) - mean) * rstd;
    if (gamma != nullptr) v *= load(gamma, i);
    if (beta != nullptr) v += load(beta, i);
    yr[i] = round_to<T>(v);
  }
}

template <typename T>
int group_norm(const void* x, void* y, const void* gamma, const void* beta, const void* shift, int64_t n,
               int64_t channels, int64_t hw, bool channels_last, int64_t groups, float eps, bool silu,
               cudaStream_t stream) {
  const GroupLayout layout{channels, channels / groups, hw, channels_last};
  const int64_t length = layout.channels_per_group * hw;
  const int threads = length >= 2048 ? 512 : length >= 512 ? 256 : 128;
  group_norm_kernel<T><<<static_cast<unsigned>(n * groups), threads, 0, stream>>>(
      static_cast<const T*>(x), static_cast<T*>(y), static_cast<const T*>(gamma), static_cast<const T*>(beta),
      static_cast<const T*>(shift), layout, groups, eps, silu);
  return static_cast<int>(cudaGetLastError());
}

template <typename T>
int layer_norm(const void* x, void* y, const void* gamma, const void* beta, int64_t rows, int64_t cols, float eps,
               cudaStream_t stream) {
  constexpr int warps = 8;
  layer_norm_kernel<T><<<static_cast<unsigned>((rows + warps - 1) / warps), warps * 32, 0, stream>>>(
      static_cast<const T*>(x), static_cast<T*>(y), static_cast<const T*>(gamma), static_cast<const T*>(beta), rows,
      cols, eps);
  return static_cast<int>(cudaGetLastError());
}

}  // namespace

namespace rc::kernels {

int launch_group_norm(NormDType dtype, const void* x, void* y, const void* gamma, const void* beta, const void* shift,
                      int64_t n, int64_t channels, int64_t hw, bool channels_last, int64_t groups, float eps, bool silu,
                      void* stream) {
  auto s = static_cast<cudaStream_t>(stream);
  switch (dtype) {
    case NormDType::Float32:
      return group_norm<float>(x, y, gamma, beta, shift, n, channels, hw, channels_last, groups, eps, silu, s);
    case NormDType::BFloat16:
      return group_norm<__nv_bfloat16>(x, y, gamma, beta, shift, n, channels, hw, channels_last, groups, eps, silu, s);
    case NormDType::Float16:
      return group_norm<__half>(x, y, gamma, beta, shift, n, channels, hw, channels_last, groups, eps, silu, s);
  }
  return static_cast<int>(cudaErrorInvalidValue);
}

int launch_layer_norm(NormDType dtype, const void* x, void* y, const void* gamma, const void* beta, int64_t rows,
                      int64_t cols, float eps, void* stream) {
  auto s = static_cast<cudaStream_t>(stream);
  switch (dtype) {
    case NormDType::Float32: return layer_norm<float>(x, y, gamma, beta, rows, cols, eps, s);
    case NormDType::BFloat16: return layer_norm<__nv_bfloat16>(x, y, gamma, beta, rows, cols, eps, s);
    case NormDType::Float16: return layer_norm<__half>(x, y, gamma, beta, rows, cols, eps, s);
  }
  return static_cast<int>(cudaErrorInvalidValue);
}

}  // namespace rc::kernels
