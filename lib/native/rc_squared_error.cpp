// The mean squared error mean((a - b)^2) as a distillation loss takes it between a student's and a teacher's outputs or
// feature maps: on CUDA, where autograd records a graph and the training path is the fused kernels' (or nothing needs
// autograd), one kernel each way (cuda/rc_squared_error_kernels.cu) that reads both maps in their own dtypes and layout
// and returns float32, as autocast's float32 mse_loss would, with gradients in the inputs' dtypes; the training path's
// formulas as ATen operators on any device (how the CPU checks the wiring); libtorch's mse_loss otherwise.
#include <ATen/ATen.h>
#include <torch/csrc/autograd/custom_function.h>
#include <utility>
#include "rc_errors.h"
#include "rc_norms.h"
#include "rc_perf.h"
#include "rc_tensor.h"

#ifdef RC_WITH_NORM_KERNELS
#include <c10/cuda/CUDAGuard.h>
#include "cuda/rc_squared_error_kernels.h"
#endif

namespace {

using rc::norms::OptionalTensor;
using rc::norms::TrainingPath;
using torch::autograd::AutogradContext;
using torch::autograd::variable_list;

// a and b with one memory order (equal strides but where a dimension has one element): as they are, or b copied into
// a's layout (a made dense first where it is not).
std::pair<at::Tensor, at::Tensor> laid_out_alike(const at::Tensor& a, const at::Tensor& b) {
  const at::Tensor dense = a.is_non_overlapping_and_dense() ? a : a.contiguous();
  bool alike = b.is_non_overlapping_and_dense();
  for (int64_t d = 0; d < a.dim() && alike; ++d) alike = a.size(d) == 1 || dense.stride(d) == b.stride(d);
  if (alike) return {dense, b};
  auto copy = at::empty_like(dense, b.options());
  return {dense, copy.copy_(b)};
}

bool is_float(at::ScalarType t) { return t == at::kFloat || t == at::kBFloat16 || t == at::kHalf; }

struct SquaredErrorMeanFunction : public torch::autograd::Function<SquaredErrorMeanFunction> {
  static at::Tensor forward(AutogradContext* ctx, const at::Tensor& input, const at::Tensor& target, bool kernels) {
    auto [a, b] = laid_out_alike(input, target);
    at::Tensor out;
    if (kernels) {
#ifdef RC_WITH_NORM_KERNELS
      c10::cuda::CUDAGuard guard(a.device());
      out = at::empty({}, a.options().dtype(at::kFloat));
      auto partial = at::empty({rc::kernels::squared_error_blocks(a.numel())}, out.options());
      rc::norms::check_launch(rc::kernels::launch_squared_error_mean(*rc::norms::norm_dtype(a.scalar_type()), *rc::norms::norm_dtype(b.scalar_type()),
                                                                   a.data_ptr(), b.data_ptr(), a.numel(), partial.data_ptr<float>(),
                                                                   out.data_ptr<float>(), rc::norms::stream_of(a)),
                              "mse_loss");
#endif
    } else {
      const auto opmath = a.scalar_type() == at::kDouble ? at::kDouble : at::kFloat;
      out = (a.to(opmath) - b.to(opmath)).square().mean();
    }
    ctx->save_for_backward({a, b});
    ctx->saved_data["kernels"] = kernels;
    return out;
  }

  static variable_list backward(AutogradContext* ctx, variable_list grads) {
    TORCH_CHECK(!at::GradMode::is_enabled(), "mse_loss: the fused mean squared error's backward is not differentiable again (create_graph)");
    const auto saved = ctx->get_saved_variables();
    const at::Tensor &a = saved[0], &b = saved[1];
    const bool need_a = ctx->needs_input_grad(0), need_b = ctx->needs_input_grad(1);
    at::Tensor da, db;
    if (ctx->saved_data["kernels"].toBool()) {
#ifdef RC_WITH_NORM_KERNELS
      c10::cuda::CUDAGuard guard(a.device());
      auto grad = grads[0].to(at::kFloat).contiguous();
      if (need_a) da = at::empty_like(a);
      if (need_b) db = at::empty_like(b);
      rc::norms::check_launch(rc::kernels::launch_squared_error_mean_backward(
                                  *rc::norms::norm_dtype(a.scalar_type()), *rc::norms::norm_dtype(b.scalar_type()), a.data_ptr(), b.data_ptr(),
                                  a.numel(), grad.data_ptr<float>(), need_a ? da.data_ptr() : nullptr, need_b ? db.data_ptr() : nullptr,
                                  rc::norms::stream_of(a)),
                              "mse_loss backward");
#endif
    } else {
      const auto opmath = a.scalar_type() == at::kDouble ? at::kDouble : at::kFloat;
      auto d = (a.to(opmath) - b.to(opmath)) * (grads[0].to(opmath) * (2.0 / static_cast<double>(a.numel())));
      if (need_a) da = d.to(a.scalar_type());
      if (need_b) db = (-d).to(b.scalar_type());
    }
    return {da, db, at::Tensor()};
  }
};

// mean((input - target)^2) as the module's header says.
at::Tensor mean_squared_error(const at::Tensor& input, const at::Tensor& target) {
  TORCH_CHECK(input.sizes() == target.sizes(), "mse_loss: the input ", input.sizes(), " and the target ", target.sizes(), " differ in shape");
  TORCH_CHECK(input.device() == target.device(), "mse_loss: the input is on ", input.device(), " and the target on ", target.device());
  const OptionalTensor target_opt = target;
  const bool grad = rc::norms::needs_grad(input, {&target_opt});
  const auto path = rc::norms::training_path();
  const auto a = input.scalar_type(), b = target.scalar_type();
  // The fused paths return float32, which is what libtorch returns here too: under autocast (mse_loss is one of its
  // float32 operators) or where the inputs promote to float32.
  const bool float32_result = is_float(a) && is_float(b) && (rc::autocast_enabled(input.device().type()) || at::promote_types(a, b) == at::kFloat);
  if (input.numel() > 0 && grad && path == TrainingPath::Formulas && (float32_result || (a == at::kDouble && b == at::kDouble)))
    return SquaredErrorMeanFunction::apply(input, target, false);
#ifdef RC_WITH_NORM_KERNELS
  if (input.numel() > 0 && input.is_cuda() && float32_result && (!grad || path == TrainingPath::FusedKernels))
    return SquaredErrorMeanFunction::apply(input, target, true);
#endif
  if (a != b && !rc::autocast_enabled(input.device().type())) {
    const auto common = at::promote_types(a, b);
    return at::mse_loss(input.to(common), target.to(common));
  }
  return at::mse_loss(input, target);
}

}  // namespace

extern "C" {

int32_t rc_mse_loss(rc_tensor input, rc_tensor target, rc_tensor* out) {
  return rc::guarded([&] { *out = rc::wrap(mean_squared_error(rc::unwrap(input), rc::unwrap(target))); });
}

}  // extern "C"
