// A tensor as the column kernels (cuda/rc_column_kernels.cu) take it: rows of channels, the channel dimension innermost
// (a channels-last map, a linear layer's features), and the kernels' column sums and column bias on such tensors.
#pragma once
#include <ATen/ATen.h>

namespace rc::columns {

// Whether dimension dim of t is its innermost and t is laid out densely around it: t is then rows x t.size(dim) values.
// Dimension 1 of a 4-D map is, channels-last; the last dimension of a contiguous tensor is.
inline bool channels_innermost(const at::Tensor& t, int64_t dim) {
  if (dim == t.dim() - 1) return t.is_contiguous();
  return t.dim() == 4 && dim == 1 && t.is_contiguous(at::MemoryFormat::ChannelsLast);
}

// Whether residual can be added to t in the column kernels' pass: the same sizes, dtype, device and dense layout.
inline bool residual_fits(const at::Tensor& t, int64_t dim, const at::Tensor& residual) {
  return residual.sizes() == t.sizes() && residual.scalar_type() == t.scalar_type() && residual.device() == t.device() &&
         channels_innermost(residual, dim) && residual.strides() == t.strides();
}

#ifdef RC_WITH_NORM_KERNELS
// Whether the kernels read t (a non-empty CUDA tensor of a float dtype with its dimension dim innermost) and write out_type.
bool column_kernels_apply(const at::Tensor& t, int64_t dim, at::ScalarType out_type);

// The (batches, cols) float sums over the rows of t, read as batches consecutive matrices of rows x cols (contiguous), in
// out_type.
at::Tensor column_sums(const at::Tensor& t, int64_t batches, int64_t cols, at::ScalarType out_type);

// t + bias (+ residual), bias (t.size(dim)) added along t's innermost dimension dim (column_kernels_apply), residual
// (undefined, or residual_fits) added in the same pass, in t's dtype.
at::Tensor add_column_bias(const at::Tensor& t, int64_t dim, const at::Tensor& bias, const at::Tensor& residual = at::Tensor());
#endif

}  // namespace rc::columns
