// Column sums and a column bias over row-major matrices (rc_column_kernels.h). libtorch sums a channels-last gradient
// over (N, H, W) or a linear's gradient over its tokens with its general reduction, at a third to a half of the memory
// bandwidth on the labs' shapes; Inductor folds these sums into the kernels beside them. Here a block takes a chunk of
// rows and a tile of columns, each thread 8 adjacent columns (one 16-byte vector) of every lanes-th row, so that a warp
// reads whole rows; the lanes sharing a column meet by warp shuffles and then across warps in shared memory, in a fixed
// order, and the chunks' float32 sums are summed, in chunk order, by the last block of each tile to finish (one launch).
#include "rc_column_kernels.h"
#include "rc_norm_device.cuh"
#include "rc_vector_runs.cuh"

namespace {

using namespace rc::kernels::device;
using rc::kernels::kColumnThreads;

constexpr int kColumnWarps = kColumnThreads / 32;

// Rows [first, end) of a matrix of cols columns summed over the block: tile threads (a power of two up to 32) cover a
// row's share of V adjacent columns each from col, the block's other kColumnThreads / tile - 1 lanes take the next rows;
// thread t < tile gets its columns' sums, in a fixed order.
template <typename T, int V>
__device__ __forceinline__ void block_column_sums(const T* x, int64_t first, int64_t end, int64_t cols, int64_t col, int tile, float (&sum)[V],
                                                  float (&warp_sums)[kColumnWarps][32][V]) {
  const int t = threadIdx.x, lane = t / tile, lanes = kColumnThreads / tile;
#pragma unroll
  for (int j = 0; j < V; ++j) sum[j] = 0.f;
  if (col < cols) {
#pragma unroll 4
    for (int64_t r = first + lane; r < end; r += lanes) {
      if constexpr (V == kRunLength) {
        Run<T> run;
        run.read(x + r * cols + col);
#pragma unroll
        for (int j = 0; j < V; ++j) sum[j] += run[j];
      } else {
        sum[0] += load(x, r * cols + col);
      }
    }
  }
  for (int offset = 16; offset >= tile; offset >>= 1) {
#pragma unroll
    for (int j = 0; j < V; ++j) sum[j] += __shfl_xor_sync(0xffffffffu, sum[j], offset);
  }
  const int warp = t / 32, in_warp = t % 32;
  if (in_warp < tile) {
#pragma unroll
    for (int j = 0; j < V; ++j) warp_sums[warp][in_warp][j] = sum[j];
  }
  __syncthreads();
  if (t < tile) {
#pragma unroll
    for (int j = 0; j < V; ++j) {
      sum[j] = 0.f;
      for (int w = 0; w < kColumnWarps; ++w) sum[j] += warp_sums[w][t][j];
    }
  }
  __syncthreads();  // warp_sums is reused by the next call
}

// Block (tile, chunk, batch) sums its chunk of rows; with one chunk it writes out, else its float32 sums go to partial and
// the last block of a (tile, batch) to arrive (arrivals, zeroed before the launch) sums the chunks' sums in chunk order.
template <typename T, typename TOut, int V>
__global__ void __launch_bounds__(kColumnThreads) column_sums_kernel(const T* __restrict__ x, int64_t rows, int64_t cols, int tile,
                                                                     int64_t rows_per_chunk, float* partial, unsigned* arrivals,
                                                                     TOut* __restrict__ out) {
  __shared__ float warp_sums[kColumnWarps][32][V];
  __shared__ bool last;
  const int t = threadIdx.x;
  const int64_t col = (static_cast<int64_t>(blockIdx.x) * tile + t % tile) * V, chunk = blockIdx.y, chunks = gridDim.y, batch = blockIdx.z;
  const bool writer = t < tile && col < cols;
  float sum[V];
  block_column_sums<T, V>(x + batch * rows * cols, chunk * rows_per_chunk, min(rows, (chunk + 1) * rows_per_chunk), cols, col, tile, sum, warp_sums);
  if (chunks > 1) {
    if (writer) {
#pragma unroll
      for (int j = 0; j < V; ++j) partial[(batch * chunks + chunk) * cols + col + j] = sum[j];
      __threadfence();
    }
    __syncthreads();
    if (t == 0) last = atomicAdd(&arrivals[batch * gridDim.x + blockIdx.x], 1u) == chunks - 1;
    __syncthreads();
    if (!last) return;
    __threadfence();
    block_column_sums<float, V>(partial + batch * chunks * cols, 0, chunks, cols, col, tile, sum, warp_sums);
  }
  if (writer) {
#pragma unroll
    for (int j = 0; j < V; ++j) out[batch * cols + col + j] = round_to<TOut>(sum[j]);
  }
}

template <typename T, typename TB, int V>
__global__ void __launch_bounds__(kColumnThreads) add_column_bias_kernel(const T* __restrict__ x, const TB* __restrict__ bias, int64_t runs,
                                                                         int64_t cols, T* __restrict__ out) {
  const int64_t stride = static_cast<int64_t>(gridDim.x) * blockDim.x;
  for (int64_t r = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x; r < runs; r += stride) {
    const int64_t col = r * V % cols;
    if constexpr (V == kRunLength) {
      Run<T> run;
      run.read(x + r * V);
      float v[V];
#pragma unroll
      for (int j = 0; j < V; ++j) v[j] = run[j] + load(bias, col + j);
      store_run(out + r * V, v);
    } else {
      out[r] = round_to<T>(load(x, r) + load(bias, col));
    }
  }
}

}  // namespace

namespace rc::kernels {

int launch_column_sums(NormDType x_dtype, NormDType out_dtype, const void* x, int64_t batches, int64_t rows, int64_t cols, void* scratch,
                       void* out, void* stream) {
  if (batches <= 0 || batches > 65535 || rows <= 0 || cols <= 0) return static_cast<int>(cudaErrorInvalidValue);
  const ColumnSumsPlan plan = column_sums_plan(rows, cols, cols % kRunLength == 0 && aligned16(x));
  if (plan.chunks > 1 && scratch == nullptr) return static_cast<int>(cudaErrorInvalidValue);
  const auto s = static_cast<cudaStream_t>(stream);
  auto* partial = static_cast<float*>(scratch);
  auto* arrivals = plan.chunks > 1 ? reinterpret_cast<unsigned*>(partial + batches * plan.chunks * cols) : nullptr;
  if (arrivals != nullptr) {
    const cudaError_t zeroed = cudaMemsetAsync(arrivals, 0, sizeof(unsigned) * batches * plan.tiles, s);
    if (zeroed != cudaSuccess) return static_cast<int>(zeroed);
  }
  const dim3 grid(static_cast<unsigned>(plan.tiles), static_cast<unsigned>(plan.chunks), static_cast<unsigned>(batches));
  const int64_t rows_per_chunk = (rows + plan.chunks - 1) / plan.chunks;
  return dispatch_pair(x_dtype, out_dtype, [&](auto tx, auto tout) {
    using T = decltype(tx);
    using TOut = decltype(tout);
    if (plan.vector)
      column_sums_kernel<T, TOut, kRunLength><<<grid, kColumnThreads, 0, s>>>(static_cast<const T*>(x), rows, cols, plan.tile, rows_per_chunk, partial,
                                                                             arrivals, static_cast<TOut*>(out));
    else
      column_sums_kernel<T, TOut, 1><<<grid, kColumnThreads, 0, s>>>(static_cast<const T*>(x), rows, cols, plan.tile, rows_per_chunk, partial, arrivals,
                                                                    static_cast<TOut*>(out));
    return static_cast<int>(cudaGetLastError());
  });
}

int launch_add_column_bias(NormDType x_dtype, NormDType bias_dtype, const void* x, const void* bias, int64_t rows, int64_t cols, void* out,
                           void* stream) {
  if (rows <= 0 || cols <= 0) return static_cast<int>(cudaErrorInvalidValue);
  const bool vector = cols % kRunLength == 0 && aligned16(x) && aligned16(out);
  const int v = vector ? kRunLength : 1;
  const int64_t runs = rows * cols / v;
  const int64_t blocks = std::clamp<int64_t>((runs + kColumnThreads - 1) / kColumnThreads, 1, 16 * 1024);
  return dispatch_pair(x_dtype, bias_dtype, [&](auto tx, auto tb) {
    using T = decltype(tx);
    using TB = decltype(tb);
    const auto s = static_cast<cudaStream_t>(stream);
    if (vector)
      add_column_bias_kernel<T, TB, kRunLength><<<static_cast<unsigned>(blocks), kColumnThreads, 0, s>>>(
          static_cast<const T*>(x), static_cast<const TB*>(bias), runs, cols, static_cast<T*>(out));
    else
      add_column_bias_kernel<T, TB, 1><<<static_cast<unsigned>(blocks), kColumnThreads, 0, s>>>(static_cast<const T*>(x), static_cast<const TB*>(bias),
                                                                                                runs, cols, static_cast<T*>(out));
    return static_cast<int>(cudaGetLastError());
  });
}

}  // namespace rc::kernels
