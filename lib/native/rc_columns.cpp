// The column kernels on tensors (rc_columns.h): checks, output and scratch allocation, and the launch on t's stream.
#include "rc_columns.h"

#ifdef RC_WITH_NORM_KERNELS
#include <c10/cuda/CUDAGuard.h>
#include "cuda/rc_column_kernels.h"
#include "rc_norms.h"

namespace rc::columns {

bool column_kernels_apply(const at::Tensor& t, int64_t dim, at::ScalarType out_type) {
  return t.is_cuda() && t.numel() > 0 && channels_innermost(t, dim) && norms::norm_dtype(t.scalar_type()) && norms::norm_dtype(out_type);
}

at::Tensor column_sums(const at::Tensor& t, int64_t batches, int64_t cols, at::ScalarType out_type) {
  TORCH_CHECK(t.numel() > 0 && t.numel() % (batches * cols) == 0, "column sums: ", t.sizes(), " is no set of ", batches, " matrices of ", cols,
              " columns");
  c10::cuda::CUDAGuard guard(t.device());
  const int64_t rows = t.numel() / (batches * cols), scratch_size = kernels::column_sums_scratch(batches, rows, cols);
  auto out = at::empty({batches, cols}, t.options().dtype(out_type));
  const auto scratch = scratch_size > 0 ? at::empty({scratch_size}, t.options().dtype(at::kFloat)) : at::Tensor();
  norms::check_launch(kernels::launch_column_sums(*norms::norm_dtype(t.scalar_type()), *norms::norm_dtype(out_type), t.data_ptr(), batches, rows,
                                                  cols, scratch.defined() ? scratch.data_ptr<float>() : nullptr, out.data_ptr(),
                                                  norms::stream_of(t)),
                      "column sums");
  return out;
}

at::Tensor add_column_bias(const at::Tensor& t, int64_t dim, const at::Tensor& bias, const at::Tensor& residual) {
  TORCH_CHECK(bias.dim() == 1 && bias.size(0) == t.size(dim), "bias: ", bias.sizes(), " does not match the ", t.size(dim), " channels of ",
              t.sizes());
  TORCH_CHECK(bias.device() == t.device(), "bias: on ", bias.device(), ", the input on ", t.device());
  TORCH_CHECK(!residual.defined() || residual_fits(t, dim, residual), "residual: ", residual.sizes(), " ", residual.scalar_type(),
              " is not laid out and typed as the output ", t.sizes(), " ", t.scalar_type());
  c10::cuda::CUDAGuard guard(t.device());
  const auto b = bias.is_contiguous() && norms::norm_dtype(bias.scalar_type()) ? bias : bias.to(t.scalar_type()).contiguous();
  auto out = at::empty_like(t);
  norms::check_launch(kernels::launch_add_column_bias(*norms::norm_dtype(t.scalar_type()), *norms::norm_dtype(b.scalar_type()), t.data_ptr(),
                                                      b.data_ptr(), residual.defined() ? residual.data_ptr() : nullptr, t.numel() / t.size(dim),
                                                      t.size(dim), out.data_ptr(), norms::stream_of(t)),
                      "bias add");
  return out;
}

}  // namespace rc::columns
#endif
