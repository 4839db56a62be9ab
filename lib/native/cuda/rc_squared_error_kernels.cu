// The mean squared error of two feature maps, and its gradient, each one pass over the maps: what a distillation loss
// MSE(student feature, teacher feature) takes in place of autocast's casts of both maps to float32, mse_loss's forward
// and backward on those float32 copies and the cast of the gradient back to the student's dtype (five passes over maps
// twice the size). Values are read as runs of 8 (16-byte vectors) where every buffer is 16-byte aligned, one by one
// otherwise; sums are float32, per thread, per block in a fixed order, then over the blocks in a fixed order, so the
// result is the same from run to run.
#include "rc_norm_device.cuh"
#include "rc_squared_error_kernels.h"
#include "rc_vector_runs.cuh"

namespace {

using namespace rc::kernels::device;
using rc::kernels::kSquaredErrorThreads;

// Calls visit(r, ra, rb) for each run r of 8 values of a and b this thread takes (grid-stride) where vector is true, and
// returns the first index the scalar loop after it still has to cover.
template <typename TA, typename TB, typename Visit>
__device__ __forceinline__ int64_t for_each_run(const TA* a, const TB* b, int64_t n, bool vector, int64_t first, int64_t stride, Visit&& visit) {
  if (!vector) return 0;
  const int64_t runs = n / kRunLength;
  for (int64_t r = first; r < runs; r += stride) {
    Run<TA> ra;
    Run<TB> rb;
    ra.read(a + r * kRunLength);
    rb.read(b + r * kRunLength);
    visit(r, ra, rb);
  }
  return runs * kRunLength;
}

template <typename TA, typename TB>
__global__ void __launch_bounds__(kSquaredErrorThreads)
    squared_error_sum_kernel(const TA* __restrict__ a, const TB* __restrict__ b, int64_t n, bool vector, float* __restrict__ partial) {
  __shared__ float warp_sums[32];
  const int64_t stride = static_cast<int64_t>(gridDim.x) * blockDim.x, first = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x;
  float sum = 0.f;
  const int64_t done = for_each_run(a, b, n, vector, first, stride, [&](int64_t, const Run<TA>& ra, const Run<TB>& rb) {
#pragma unroll
    for (int j = 0; j < kRunLength; ++j) {
      const float d = ra[j] - rb[j];
      sum += d * d;
    }
  });
  for (int64_t i = done + first; i < n; i += stride) {
    const float d = load(a, i) - load(b, i);
    sum += d * d;
  }
  sum = block_sum(sum, warp_sums);
  if (threadIdx.x == 0) partial[blockIdx.x] = sum;
}

// One block: the partial sums, each thread a strided share, then the block's fixed tree.
__global__ void __launch_bounds__(kSquaredErrorThreads) mean_of_partials_kernel(const float* __restrict__ partial, int count, float scale,
                                                                               float* __restrict__ out) {
  __shared__ float warp_sums[32];
  float sum = 0.f;
  for (int i = threadIdx.x; i < count; i += blockDim.x) sum += partial[i];
  sum = block_sum(sum, warp_sums);
  if (threadIdx.x == 0) *out = sum * scale;
}

template <typename TA, typename TB>
__global__ void __launch_bounds__(kSquaredErrorThreads)
    squared_error_grad_kernel(const TA* __restrict__ a, const TB* __restrict__ b, int64_t n, bool vector, const float* __restrict__ grad,
                              float scale, TA* __restrict__ da, TB* __restrict__ db) {
  const float g = *grad * scale;
  const int64_t stride = static_cast<int64_t>(gridDim.x) * blockDim.x, first = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x;
  const int64_t done = for_each_run(a, b, n, vector, first, stride, [&](int64_t r, const Run<TA>& ra, const Run<TB>& rb) {
    float out[kRunLength], negated[kRunLength];
#pragma unroll
    for (int j = 0; j < kRunLength; ++j) {
      out[j] = g * (ra[j] - rb[j]);
      negated[j] = -out[j];
    }
    if (da != nullptr) store_run(da + r * kRunLength, out);
    if (db != nullptr) store_run(db + r * kRunLength, negated);
  });
  for (int64_t i = done + first; i < n; i += stride) {
    const float d = g * (load(a, i) - load(b, i));
    if (da != nullptr) da[i] = round_to<TA>(d);
    if (db != nullptr) db[i] = round_to<TB>(-d);
  }
}

}  // namespace

namespace rc::kernels {

int launch_squared_error_mean(NormDType a_dtype, NormDType b_dtype, const void* a, const void* b, int64_t n, float* partial,
                              float* out, void* stream) {
  if (n <= 0) return static_cast<int>(cudaErrorInvalidValue);
  const int64_t blocks = squared_error_blocks(n);
  const bool vector = aligned16(a) && aligned16(b);
  const auto s = static_cast<cudaStream_t>(stream);
  const int status = dispatch_pair(a_dtype, b_dtype, [&](auto ta, auto tb) {
    using TA = decltype(ta);
    using TB = decltype(tb);
    squared_error_sum_kernel<TA, TB><<<static_cast<unsigned>(blocks), kSquaredErrorThreads, 0, s>>>(
        static_cast<const TA*>(a), static_cast<const TB*>(b), n, vector, partial);
    return static_cast<int>(cudaGetLastError());
  });
  if (status != 0) return status;
  mean_of_partials_kernel<<<1, kSquaredErrorThreads, 0, s>>>(partial, static_cast<int>(blocks), 1.f / static_cast<float>(n), out);
  return static_cast<int>(cudaGetLastError());
}

int launch_squared_error_mean_backward(NormDType a_dtype, NormDType b_dtype, const void* a, const void* b, int64_t n, const float* grad,
                                       void* da, void* db, void* stream) {
  if (n <= 0) return static_cast<int>(cudaErrorInvalidValue);
  const bool vector = aligned16(a) && aligned16(b) && (da == nullptr || aligned16(da)) && (db == nullptr || aligned16(db));
  const int64_t blocks = std::min<int64_t>((n / kRunLength + kSquaredErrorThreads - 1) / kSquaredErrorThreads + 1, 16 * kSquaredErrorMaxBlocks);
  return dispatch_pair(a_dtype, b_dtype, [&](auto ta, auto tb) {
    using TA = decltype(ta);
    using TB = decltype(tb);
    squared_error_grad_kernel<TA, TB><<<static_cast<unsigned>(blocks), kSquaredErrorThreads, 0, static_cast<cudaStream_t>(stream)>>>(
        static_cast<const TA*>(a), static_cast<const TB*>(b), n, vector, grad, 2.f / static_cast<float>(n), static_cast<TA*>(da),
        static_cast<TB*>(db));
    return static_cast<int>(cudaGetLastError());
  });
}

}  // namespace rc::kernels
