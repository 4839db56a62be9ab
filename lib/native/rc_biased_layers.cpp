// Linear layers and convolutions whose bias has its own backward: the bias's gradient is the column sums of the
// output's gradient (tokens x features, a channels-last map's pixels x channels), one kernel pair on CUDA
// (cuda/rc_column_kernels.cu) where libtorch runs its general reduction (the bias sums of AddmmBackward0 and
// ConvolutionBackward0 took 1.2 ms of the labs' 17 ms step), and a convolution's bias is added by one vector kernel,
// with a residual block's skip in the same pass where the caller gives it.
// On CUDA where autograd records a graph and the training path is the fused kernels' (rc_norms.h), or, for the
// convolution's bias, where nothing needs autograd; the same algebra as ATen operators where the path is Formulas (how
// the CPU checks the wiring); libtorch's operators otherwise.
#include <ATen/ATen.h>
#include <ATen/core/dispatch/Dispatcher.h>
#include <torch/csrc/autograd/custom_function.h>
#include <vector>
#include "rc_columns.h"
#include "rc_errors.h"
#include "rc_norms.h"
#include "rc_perf.h"
#include "rc_tensor.h"

namespace {

using rc::norms::OptionalTensor;
using rc::norms::TrainingPath;
using torch::autograd::AutogradContext;
using torch::autograd::variable_list;

// The gradient of a bias added along dimension dim of an output whose gradient is g, in the bias's dtype: the kernels'
// column sums where they apply, else a float32 sum over every other dimension.
at::Tensor bias_grad(const at::Tensor& g, int64_t dim, at::ScalarType bias_type, bool kernels) {
#ifdef RC_WITH_NORM_KERNELS
  if (kernels && rc::columns::column_kernels_apply(g, dim, bias_type)) return rc::columns::column_sums(g, 1, g.size(dim), bias_type).view(-1);
#endif
  std::vector<int64_t> others;
  for (int64_t d = 0; d < g.dim(); ++d)
    if (d != dim) others.push_back(d);
  const auto opmath = g.scalar_type() == at::kDouble ? at::kDouble : at::kFloat;
  return g.sum(others, false, opmath).to(bias_type);
}

// y + bias along dimension 1 (+ residual, where defined: same sizes, dtype and layout as y), in y's dtype (as a
// convolution adds its bias under autocast, from a bf16 copy of it).
at::Tensor add_channel_bias(const at::Tensor& y, const at::Tensor& bias, const at::Tensor& residual, bool kernels) {
#ifdef RC_WITH_NORM_KERNELS
  if (kernels && rc::columns::column_kernels_apply(y, 1, bias.scalar_type())) return rc::columns::add_column_bias(y, 1, bias, residual);
#endif
  std::vector<int64_t> shape(y.dim(), 1);
  shape[1] = y.size(1);
  const auto biased = y + bias.to(y.scalar_type()).view(shape);
  return residual.defined() ? biased + residual : biased;
}

void save_bias(AutogradContext* ctx, const at::Tensor& bias, bool kernels) {
  ctx->saved_data["bias_type"] = static_cast<int64_t>(bias.scalar_type());
  ctx->saved_data["kernels"] = kernels;
}

at::Tensor saved_bias_grad(AutogradContext* ctx, const at::Tensor& g, int64_t dim) {
  const bool kernels = ctx->saved_data["kernels"].toBool();
  TORCH_CHECK(!kernels || !at::GradMode::is_enabled(), "the column kernels' bias gradient is not differentiable again (create_graph); use the "
              "operators' training path (NormTraining.Operators) for higher-order gradients");
  return bias_grad(g, dim, static_cast<at::ScalarType>(ctx->saved_data["bias_type"].toInt()), kernels);
}

// a b in dtype out: one GEMM writing float32 from bf16 or fp16 operands where this libtorch has aten::mm.dtype (PyTorch
// 2.8 and later, CUDA), else the product cast.
at::Tensor mm_in(const at::Tensor& a, const at::Tensor& b, at::ScalarType out) {
  static const auto mm_dtype = c10::Dispatcher::singleton().findOp({"aten::mm", "dtype"});
  if (mm_dtype && a.is_cuda() && out == at::kFloat && a.scalar_type() != out)
    return mm_dtype->typed<at::Tensor(const at::Tensor&, const at::Tensor&, at::ScalarType)>().call(a, b, out);
  return a.mm(b).to(out);
}

// y = x W^T + b, with W and b taken in their own dtypes (float32 under autocast) and cast to x's inside, so that their
// gradients come out in them without autograd's casts (ToCopyBackward0).
struct LinearFunction : public torch::autograd::Function<LinearFunction> {
  static at::Tensor forward(AutogradContext* ctx, const at::Tensor& x, const at::Tensor& weight, const at::Tensor& bias, bool kernels) {
    const auto w = weight.to(x.scalar_type());
    ctx->save_for_backward({x, w});
    ctx->saved_data["weight_type"] = static_cast<int64_t>(weight.scalar_type());
    save_bias(ctx, bias, kernels);
    return at::linear(x, w, bias.to(x.scalar_type()));
  }

  static variable_list backward(AutogradContext* ctx, variable_list grads) {
    const auto saved = ctx->get_saved_variables();
    const at::Tensor &x = saved[0], &w = saved[1];
    const auto dy = grads[0].reshape({-1, w.size(0)});
    at::Tensor dx, dweight, dbias;
    if (ctx->needs_input_grad(0)) dx = dy.mm(w).view(x.sizes());
    if (ctx->needs_input_grad(1))
      dweight = mm_in(dy.t(), x.reshape({-1, x.size(-1)}), static_cast<at::ScalarType>(ctx->saved_data["weight_type"].toInt()));
    if (ctx->needs_input_grad(2)) dbias = saved_bias_grad(ctx, dy, 1);
    return {dx, dweight, dbias, at::Tensor()};
  }
};

// y + bias, or y + bias + residual: the residual's gradient is the output's, as the sum's would be. (Two forwards:
// libtorch 1.13's autograd functions take no undefined tensor.)
struct ChannelBiasFunction : public torch::autograd::Function<ChannelBiasFunction> {
  static at::Tensor forward(AutogradContext* ctx, const at::Tensor& y, const at::Tensor& bias, bool kernels) {
    save_bias(ctx, bias, kernels);
    ctx->saved_data["residual"] = false;
    return add_channel_bias(y, bias, at::Tensor(), kernels);
  }

  static at::Tensor forward(AutogradContext* ctx, const at::Tensor& y, const at::Tensor& bias, const at::Tensor& residual, bool kernels) {
    save_bias(ctx, bias, kernels);
    ctx->saved_data["residual"] = true;
    return add_channel_bias(y, bias, residual, kernels);
  }

  static variable_list backward(AutogradContext* ctx, variable_list grads) {
    variable_list out{grads[0], ctx->needs_input_grad(1) ? saved_bias_grad(ctx, grads[0], 1) : at::Tensor()};
    if (ctx->saved_data["residual"].toBool()) out.push_back(ctx->needs_input_grad(2) ? grads[0] : at::Tensor());
    out.push_back(at::Tensor());
    return out;
  }
};

// x in autocast's dtype where autocast on its device would cast it for a linear layer.
at::Tensor autocast_input(const at::Tensor& x) {
  const auto device = x.device().type();
  if (!rc::autocast_enabled(device) || !x.is_floating_point() || x.scalar_type() == at::kDouble) return x;
  return x.to(rc::autocast_dtype(device));
}

// How a layer with a bias runs: 1, with the column kernels (CUDA, where nothing needs autograd or the training path is
// the fused kernels'); 0, with their formulas (the training path is Formulas and autograd records); -1, as libtorch's
// operator.
int biased_path(const at::Tensor& x, bool grad) {
  const auto path = rc::norms::training_path();
  if (grad && path == TrainingPath::Formulas) return 0;
#ifdef RC_WITH_NORM_KERNELS
  if (x.is_cuda() && (!grad || path == TrainingPath::FusedKernels)) return 1;
#endif
  return -1;
}

void check_bias(const at::Tensor& bias, const at::Tensor& weight, const char* layer) {
  TORCH_CHECK(bias.dim() == 1 && weight.dim() >= 1 && bias.size(0) == weight.size(0), layer, ": the bias ", bias.sizes(), " does not match the ",
              weight.dim() >= 1 ? weight.size(0) : 0, " outputs of the weight ", weight.sizes());
}

at::Tensor biased_linear(const at::Tensor& x, const at::Tensor& weight, const OptionalTensor& bias) {
  const OptionalTensor w = weight;
  const bool grad = rc::norms::needs_grad(x, {&w, &bias});
  // Without autocast, operands of two dtypes are libtorch's error to report.
  const bool one_dtype = rc::autocast_enabled(x.device().type()) || x.scalar_type() == weight.scalar_type();
  const int path = bias && x.dim() >= 2 && grad && one_dtype ? biased_path(x, grad) : -1;
  if (path < 0) return at::linear(x, weight, bias);
  check_bias(*bias, weight, "linear");
  return LinearFunction::apply(autocast_input(x), weight, *bias, path == 1);
}

// conv2d(x, weight, bias) + residual, where residual is defined: the bias and the residual in one pass after the
// convolution where the column kernels apply and the residual has the output's sizes, dtype and layout.
at::Tensor biased_conv2d(const at::Tensor& x, const at::Tensor& weight, const OptionalTensor& bias, const OptionalTensor& residual, int64_t stride,
                         int64_t padding, int64_t dilation, int64_t groups) {
  const OptionalTensor w = weight;
  const bool grad = rc::norms::needs_grad(x, {&w, &bias, &residual});
  const int path = bias ? biased_path(x, grad) : -1;
  if (path < 0) {
    const auto y = at::conv2d(x, weight, bias, stride, padding, dilation, groups);
    return residual ? y + *residual : y;
  }
  check_bias(*bias, weight, "conv2d");
  const auto y = at::conv2d(x, weight, {}, stride, padding, dilation, groups);
  const bool fused = residual && rc::columns::residual_fits(y, 1, *residual);
  if (fused) return grad ? ChannelBiasFunction::apply(y, *bias, *residual, path == 1) : add_channel_bias(y, *bias, *residual, path == 1);
  const auto out = grad ? ChannelBiasFunction::apply(y, *bias, path == 1) : add_channel_bias(y, *bias, at::Tensor(), path == 1);
  return residual ? out + *residual : out;
}

}  // namespace

extern "C" {

int32_t rc_linear(rc_tensor input, rc_tensor weight, rc_tensor bias, rc_tensor* out) {
  return rc::guarded([&] {
    *out = rc::wrap(biased_linear(rc::unwrap(input), rc::unwrap(weight), bias ? OptionalTensor(rc::unwrap(bias)) : c10::nullopt));
  });
}

int32_t rc_conv2d(rc_tensor input, rc_tensor weight, rc_tensor bias, rc_tensor residual, int64_t stride, int64_t padding, int64_t dilation,
                  int64_t groups, rc_tensor* out) {
  return rc::guarded([&] {
    *out = rc::wrap(biased_conv2d(rc::unwrap(input), rc::unwrap(weight), bias ? OptionalTensor(rc::unwrap(bias)) : c10::nullopt,
                                  residual ? OptionalTensor(rc::unwrap(residual)) : c10::nullopt, stride, padding, dilation, groups));
  });
}

}  // extern "C"
