// Column sums and a column bias over row-major matrices (rc_column_kernels.h). libtorch sums a channels-last gradient
// over (N, H, W) or a linear's gradient over its tokens with its general reduction, at a third to a half of the memory
// bandwidth on the labs' shapes; Inductor folds these sums into the kernels beside them. Here a block takes a chunk of
// rows and a tile of columns, each thread 8 adjacent columns (one 16-byte vector) of every lanes-th row, so that a warp
// reads whole rows; the lanes sharing a column meet by warp shuffles and then across warps in shared memory, in a fixed
// order, and the chunks' float32 sums meet in a second pass of the same kernel.
#include "rc_column_kernels.h"
#include "rc_norm_device.cuh"
#include "rc_vector_runs.cuh"

namespace {

using namespace rc::kernels::device;
using rc::kernels::kColumnThreads;

constexpr int kColumnWarps = kColumnThreads / 32;

// tile threads (a power of two up to 32) cover a row's share of V adjacent columns each; the block's other
// kColumnThreads / tile - 1 lanes take the next rows. Block (tile, chunk, batch) writes out's row batch * chunks + chunk.
template <typename T, typename TOut, int V>
__global__ void __launch_bounds__(kColumnThreads) column_sums_kernel(const T* __restrict__ x, int64_t rows, int64_t cols, int tile,
                                                                     int64_t rows_per_chunk, TOut* __restrict__ out) {
  __shared__ float warp_sums[kColumnWarps][32][V];
  const int t = threadIdx.x, v = t % tile, lane = t / tile, lanes = kColumnThreads / tile;
  const int64_t col = (static_cast<int64_t>(blockIdx.x) * tile + v) * V, chunk = blockIdx.y, batch = blockIdx.z;
  const int64_t first = chunk * rows_per_chunk, end = min(rows, first + rows_per_chunk);
  const T* xb = x + batch * rows * cols + col;
  float sum[V] = {};
  if (col < cols) {
#pragma unroll 4
    for (int64_t r = first + lane; r < end; r += lanes) {
      if constexpr (V == kRunLength) {
        Run<T> run;
        run.read(xb + r * cols);
#pragma unroll
        for (int j = 0; j < V; ++j) sum[j] += run[j];
      } else {
        sum[0] += load(xb, r * cols);
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
  if (t < tile && col < cols) {
    TOut* dst = out + (batch * gridDim.y + chunk) * cols + col;
#pragma unroll
    for (int j = 0; j < V; ++j) {
      float s = 0.f;
      for (int w = 0; w < kColumnWarps; ++w) s += warp_sums[w][t][j];
      dst[j] = round_to<TOut>(s);
    }
  }
}

// out = x + bias (+ residual, where given: a residual block's sum in the same pass).
template <typename T, typename TB, int V>
__global__ void __launch_bounds__(kColumnThreads) add_column_bias_kernel(const T* __restrict__ x, const TB* __restrict__ bias,
                                                                         const T* __restrict__ residual, int64_t runs, int64_t cols,
                                                                         T* __restrict__ out) {
  const int64_t stride = static_cast<int64_t>(gridDim.x) * blockDim.x;
  for (int64_t r = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x; r < runs; r += stride) {
    const int64_t col = r * V % cols;
    if constexpr (V == kRunLength) {
      Run<T> run;
      run.read(x + r * V);
      float v[V];
#pragma unroll
      for (int j = 0; j < V; ++j) v[j] = run[j] + load(bias, col + j);
      if (residual != nullptr) {
        Run<T> add;
        add.read(residual + r * V);
#pragma unroll
        for (int j = 0; j < V; ++j) v[j] += add[j];
      }
      store_run(out + r * V, v);
    } else {
      float v = load(x, r) + load(bias, col);
      if (residual != nullptr) v += load(residual, r);
      out[r] = round_to<T>(v);
    }
  }
}

// The tile of threads across a row: enough for cols in runs of V, a power of two, at most a warp.
int column_tile(int64_t cols, int v) {
  int tile = 1;
  while (tile < 32 && tile * v < cols) tile *= 2;
  return tile;
}

template <typename T, typename TOut>
int launch_sums(const T* x, int64_t batches, int64_t rows, int64_t cols, int64_t chunks, TOut* out, cudaStream_t stream) {
  const bool vector = cols % kRunLength == 0 && rc::kernels::aligned16(x);
  const int v = vector ? kRunLength : 1, tile = column_tile(cols, v);
  const int64_t tiles = (cols + int64_t{tile} * v - 1) / (int64_t{tile} * v), rows_per_chunk = (rows + chunks - 1) / chunks;
  const dim3 grid(static_cast<unsigned>(tiles), static_cast<unsigned>(chunks), static_cast<unsigned>(batches));
  if (vector)
    column_sums_kernel<T, TOut, kRunLength><<<grid, kColumnThreads, 0, stream>>>(x, rows, cols, tile, rows_per_chunk, out);
  else
    column_sums_kernel<T, TOut, 1><<<grid, kColumnThreads, 0, stream>>>(x, rows, cols, tile, rows_per_chunk, out);
  return static_cast<int>(cudaGetLastError());
}

}  // namespace

namespace rc::kernels {

int launch_column_sums(NormDType x_dtype, NormDType out_dtype, const void* x, int64_t batches, int64_t rows, int64_t cols, float* scratch,
                       void* out, void* stream) {
  if (batches <= 0 || batches > 65535 || rows <= 0 || cols <= 0 || cols > (int64_t{1} << 30) * kRunLength) return static_cast<int>(cudaErrorInvalidValue);
  const int64_t chunks = column_sum_chunks(rows, cols);
  if (chunks > 1 && scratch == nullptr) return static_cast<int>(cudaErrorInvalidValue);
  const auto s = static_cast<cudaStream_t>(stream);
  return dispatch_pair(x_dtype, out_dtype, [&](auto tx, auto tout) {
    using T = decltype(tx);
    using TOut = decltype(tout);
    if (chunks == 1) return launch_sums(static_cast<const T*>(x), batches, rows, cols, 1, static_cast<TOut*>(out), s);
    const int status = launch_sums(static_cast<const T*>(x), batches, rows, cols, chunks, scratch, s);
    return status != 0 ? status : launch_sums(static_cast<const float*>(scratch), batches, chunks, cols, 1, static_cast<TOut*>(out), s);
  });
}

int launch_add_column_bias(NormDType x_dtype, NormDType bias_dtype, const void* x, const void* bias, const void* residual, int64_t rows,
                           int64_t cols, void* out, void* stream) {
  if (rows <= 0 || cols <= 0) return static_cast<int>(cudaErrorInvalidValue);
  const bool vector = cols % kRunLength == 0 && aligned16(x) && aligned16(out) && (residual == nullptr || aligned16(residual));
  const int v = vector ? kRunLength : 1;
  const int64_t runs = rows * cols / v;
  const int64_t blocks = std::clamp<int64_t>((runs + kColumnThreads - 1) / kColumnThreads, 1, 16 * 1024);
  return dispatch_pair(x_dtype, bias_dtype, [&](auto tx, auto tb) {
    using T = decltype(tx);
    using TB = decltype(tb);
    const auto s = static_cast<cudaStream_t>(stream);
    const auto* xs = static_cast<const T*>(x);
    const auto* bs = static_cast<const TB*>(bias);
    const auto* rs = static_cast<const T*>(residual);
    if (vector)
      add_column_bias_kernel<T, TB, kRunLength><<<static_cast<unsigned>(blocks), kColumnThreads, 0, s>>>(xs, bs, rs, runs, cols, static_cast<T*>(out));
    else
      add_column_bias_kernel<T, TB, 1><<<static_cast<unsigned>(blocks), kColumnThreads, 0, s>>>(xs, bs, rs, runs, cols, static_cast<T*>(out));
    return static_cast<int>(cudaGetLastError());
  });
}

}  // namespace rc::kernels
