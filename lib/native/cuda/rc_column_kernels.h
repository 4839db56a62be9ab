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
// blocks of rows per matrix: their float32 sums are the second pass's rows.
constexpr int64_t kColumnValuesPerBlock = int64_t{kColumnThreads} * 64;
constexpr int64_t kColumnMaxChunks = 1024;

// Blocks of rows the first pass splits each matrix into; 1: one pass, no scratch.
inline int64_t column_sum_chunks(int64_t rows, int64_t cols) {
  return std::clamp<int64_t>((rows * cols + kColumnValuesPerBlock - 1) / kColumnValuesPerBlock, 1, std::min(rows, kColumnMaxChunks));
}

// The float32 scratch values launch_column_sums needs for batches matrices of rows x cols (0: none).
inline int64_t column_sums_scratch(int64_t batches, int64_t rows, int64_t cols) {
  const int64_t chunks = column_sum_chunks(rows, cols);
  return chunks > 1 ? batches * chunks * cols : 0;
}

// out (batches x cols values of out_dtype) = the column sums of batches consecutive rows x cols matrices x, summed in
// float32 in a fixed order (the same result from run to run). scratch: column_sums_scratch values (null where 0).
int launch_column_sums(NormDType x_dtype, NormDType out_dtype, const void* x, int64_t batches, int64_t rows, int64_t cols, float* scratch,
                       void* out, void* stream);

// out = x + bias (+ residual): bias (cols values of bias_dtype) added to each of x's rows, and residual (null, or rows x
// cols values of x's dtype) added, in float32, rounded to x's dtype; out overlaps neither.
int launch_add_column_bias(NormDType x_dtype, NormDType bias_dtype, const void* x, const void* bias, const void* residual, int64_t rows,
                           int64_t cols, void* out, void* stream);

}  // namespace rc::kernels
