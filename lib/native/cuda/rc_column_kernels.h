// Launchers of the column kernels (rc_column_kernels.cu), callable from C++ compiled without nvcc, over row-major
// matrices of rows x cols values: a linear layer's tokens x features, a channels-last map's pixels x channels, the
// normalization kernels' partial sums (parts x channels). The sums of each column (a bias's gradient) and a bias added
// to each row. Each returns a cudaError_t as the normalization launchers do.
#pragma once
#include <algorithm>
#include <cstdint>

#include "rc_norm_kernels.h"

namespace rc::kernels {

constexpr int kColumnThreads = 256;
// Values a block of the column sums takes at least (kColumnThreads threads, 64 values each), and at most this many
// blocks of rows (chunks) per matrix.
constexpr int64_t kColumnValuesPerBlock = int64_t{kColumnThreads} * 64;
constexpr int64_t kColumnMaxChunks = 1024;

// How the column sums split a rows x cols matrix: tile threads across a row (a power of two up to 32, each 8 adjacent
// columns where vector, else one), tiles of them across the columns, chunks of rows.
struct ColumnSumsPlan {
  bool vector;
  int tile;
  int64_t tiles, chunks;
};

inline ColumnSumsPlan column_sums_plan(int64_t rows, int64_t cols, bool vector) {
  const int per_thread = vector ? 8 : 1;
  int tile = 1;
  while (tile < 32 && tile * per_thread < cols) tile *= 2;
  const int64_t width = int64_t{tile} * per_thread;
  const int64_t chunks = std::clamp<int64_t>((rows * cols + kColumnValuesPerBlock - 1) / kColumnValuesPerBlock, 1, std::min(rows, kColumnMaxChunks));
  return {vector, tile, (cols + width - 1) / width, chunks};
}

// The bytes of scratch launch_column_sums needs for batches matrices of rows x cols, whichever plan it takes (0: none):
// the chunks' float32 sums and a counter per tile.
inline int64_t column_sums_scratch_bytes(int64_t batches, int64_t rows, int64_t cols) {
  const ColumnSumsPlan scalar = column_sums_plan(rows, cols, false);
  return scalar.chunks > 1 ? batches * (scalar.chunks * cols + scalar.tiles) * 4 : 0;
}

// out (batches x cols values of out_dtype) = the column sums of batches consecutive rows x cols matrices x, summed in
// float32 in a fixed order (the same result from run to run), in one launch. scratch: column_sums_scratch_bytes, 4-byte
// aligned (null where 0).
int launch_column_sums(NormDType x_dtype, NormDType out_dtype, const void* x, int64_t batches, int64_t rows, int64_t cols, void* scratch,
                       void* out, void* stream);

// out = x + bias: bias (cols values of bias_dtype) added to each of x's rows in float32, rounded to x's dtype; out and x
// do not overlap.
int launch_add_column_bias(NormDType x_dtype, NormDType bias_dtype, const void* x, const void* bias, int64_t rows, int64_t cols, void* out,
                           void* stream);

}  // namespace rc::kernels
