// The training path of the normalizations: GroupNorm (+ shift, + SiLU) and LayerNorm as autograd functions whose
// forward saves each group's or row's mean and 1/std and whose backward is the fused kernels' (cuda/
// rc_norm_backward_kernels.cu), or the same algebra written as ATen operators (TrainingPath::Formulas). Under autocast
// both compute in float32 and return float32 (or autocast's dtype, as norm_inputs says), as autocast runs group_norm
// and layer_norm, but read a bf16 or fp16 input as it is (and return its gradient in its dtype) where autocast would
// cast it first.
#include <ATen/ATen.h>
#include <torch/csrc/autograd/custom_function.h>
#include <algorithm>
#include <atomic>
#include <utility>
#include <vector>
#include "rc_columns.h"
#include "rc_norms.h"

#ifdef RC_WITH_NORM_KERNELS
#include <c10/cuda/CUDAGuard.h>
#endif

namespace rc::norms {

namespace {

using torch::autograd::AutogradContext;
using torch::autograd::variable_list;

std::atomic<int32_t> current_path{static_cast<int32_t>(TrainingPath::Operators)};

at::Tensor or_undefined(const OptionalTensor& t) { return t ? *t : at::Tensor(); }

OptionalTensor as_optional(const at::Tensor& t) { return t.defined() ? OptionalTensor(t) : c10::nullopt; }

// The dtype the formulas compute in: float32, or float64 for float64 inputs (so gradients can be checked by finite
// differences), as the kernels accumulate in float32.
at::ScalarType opmath(const at::Tensor& x) { return x.scalar_type() == at::kDouble ? at::kDouble : at::kFloat; }

// A (C) vector or an (N, C) matrix viewed so it broadcasts over x's (N, C, ...) dimensions.
at::Tensor per_channel(const at::Tensor& v, const at::Tensor& x, bool per_sample) {
  std::vector<int64_t> shape(x.dim(), 1);
  if (per_sample) shape[0] = x.size(0);
  shape[1] = x.size(1);
  return v.to(opmath(x)).reshape(shape);
}

// What both functions keep beside their tensors: the output's and the parameters' dtypes, and whether the kernels ran.
struct Saved {
  at::ScalarType y_type, param_type;
  bool kernels;

  void save(AutogradContext* ctx) const {
    ctx->saved_data["y_type"] = static_cast<int64_t>(y_type);
    ctx->saved_data["param_type"] = static_cast<int64_t>(param_type);
    ctx->saved_data["kernels"] = kernels;
  }

  static Saved load(AutogradContext* ctx) {
    return {static_cast<at::ScalarType>(ctx->saved_data["y_type"].toInt()),
            static_cast<at::ScalarType>(ctx->saved_data["param_type"].toInt()), ctx->saved_data["kernels"].toBool()};
  }
};

#ifdef RC_WITH_NORM_KERNELS
// t, or a copy of it where its data does not start on 16 bytes (a view into a larger gradient), which the channels-last
// kernels read as 16-byte vectors.
at::Tensor vector_aligned(const at::Tensor& t) {
  if (kernels::aligned16(t.data_ptr())) return t;
  auto copy = at::empty_like(t);
  return copy.copy_(t);
}

// dgamma and dbeta (undefined where there is no weight or bias) from the kernels' partial sums (2, parts, channels), both
// summed over the parts by one column-sum launch.
std::pair<at::Tensor, at::Tensor> weight_grads(const at::Tensor& partials, bool weight, bool bias) {
  const auto sums = rc::columns::column_sums(partials, 2, partials.size(2), at::kFloat);
  return {weight ? sums[0] : at::Tensor(), bias ? sums[1] : at::Tensor()};
}
#endif

void check_not_double_backward(const char* what) {
  TORCH_CHECK(!at::GradMode::is_enabled(), what,
              ": the fused normalizations' backward is not differentiable again (create_graph); use the operators' "
              "training path (NormTraining.Operators) for higher-order gradients");
}

// The ATen form of the kernels' algebra: x^ of x (+ shift) with the group statistics of the forward.
at::Tensor group_xhat(const at::Tensor& x, const OptionalTensor& shift, const at::Tensor& mean, const at::Tensor& rstd, int64_t groups) {
  auto z = x.to(opmath(x));
  if (shift) z = z + per_channel(*shift, x, true);
  const int64_t n = x.size(0);
  auto zg = z.reshape({n, groups, -1});
  return ((zg - mean.view({n, groups, 1})) * rstd.view({n, groups, 1})).reshape(x.sizes());
}

at::Tensor group_affine(const at::Tensor& xhat, const at::Tensor& x, const OptionalTensor& weight, const OptionalTensor& bias) {
  auto a = weight ? xhat * per_channel(*weight, x, false) : xhat;
  return bias ? a + per_channel(*bias, x, false) : a;
}

// Every dimension of x but the channels (dimension 1), or but the first two.
std::vector<int64_t> dims_except_channels(const at::Tensor& x, bool keep_samples) {
  std::vector<int64_t> dims;
  if (!keep_samples) dims.push_back(0);
  for (int64_t d = 2; d < x.dim(); ++d) dims.push_back(d);
  return dims;
}

struct GroupNormFunction : public torch::autograd::Function<GroupNormFunction> {
  static at::Tensor forward(AutogradContext* ctx, const at::Tensor& x, const OptionalTensor& weight, const OptionalTensor& bias,
                            const OptionalTensor& shift, int64_t groups, double eps, bool silu, at::ScalarType y_type,
                            at::ScalarType param_type, bool kernels) {
    const int64_t n = x.size(0), channels = x.size(1);
    at::Tensor y, mean, rstd;
    if (kernels) {
#ifdef RC_WITH_NORM_KERNELS
      c10::cuda::CUDAGuard guard(x.device());
      const auto dtypes = *kernel_dtypes(x, true, y_type, param_type, {&shift}, {&weight, &bias});
      y = at::empty_like(x, x.options().dtype(y_type));
      mean = at::empty({n * groups}, x.options().dtype(at::kFloat));
      rstd = at::empty_like(mean);
      check_launch(kernels::launch_group_norm(dtypes.x, dtypes.y, dtypes.p, x.data_ptr(), y.data_ptr(), data_or_null(weight),
                                              data_or_null(bias), data_or_null(shift), n, channels, x.numel() / (n * channels),
                                              !x.is_contiguous(), groups, static_cast<float>(eps), silu, mean.data_ptr<float>(),
                                              rstd.data_ptr<float>(), stream_of(x)),
                   "group_norm");
#endif
    } else {
      auto z = x.to(opmath(x));
      if (shift) z = z + per_channel(*shift, x, true);
      auto zg = z.reshape({n, groups, -1});
      mean = zg.mean(-1, true);
      auto centered = zg - mean;
      rstd = (centered.square().mean(-1, true) + eps).rsqrt();
      auto a = group_affine((centered * rstd).reshape(x.sizes()), x, weight, bias);
      mean = mean.reshape({-1});
      rstd = rstd.reshape({-1});
      y = (silu ? a * at::sigmoid(a) : a).to(y_type).contiguous(x.suggest_memory_format());
    }
    ctx->save_for_backward({x, or_undefined(weight), or_undefined(bias), or_undefined(shift), mean, rstd});
    ctx->saved_data["groups"] = groups;
    ctx->saved_data["silu"] = silu;
    Saved{y_type, param_type, kernels}.save(ctx);
    return y;
  }

  static variable_list backward(AutogradContext* ctx, variable_list grads) {
    check_not_double_backward("group_norm");
    const auto saved = ctx->get_saved_variables();
    const at::Tensor& x = saved[0];
    const OptionalTensor weight = as_optional(saved[1]), bias = as_optional(saved[2]), shift = as_optional(saved[3]);
    const at::Tensor &mean = saved[4], &rstd = saved[5];
    const int64_t groups = ctx->saved_data["groups"].toInt();
    const bool silu = ctx->saved_data["silu"].toBool();
    const auto paths = Saved::load(ctx);
    const int64_t n = x.size(0), channels = x.size(1);
    at::Tensor dx, dweight, dbias, dshift;
    if (paths.kernels) {
#ifdef RC_WITH_NORM_KERNELS
      c10::cuda::CUDAGuard guard(x.device());
      const auto dtypes = *kernel_dtypes(x, true, paths.y_type, paths.param_type, {&shift}, {&weight, &bias});
      const bool channels_last = !x.is_contiguous();
      auto dy = vector_aligned(grads[0].to(paths.y_type).contiguous(channels_last ? at::MemoryFormat::ChannelsLast : at::MemoryFormat::Contiguous));
      dx = at::empty_like(x);
      // The per-sample sums of both weight gradients in one tensor, reduced over the samples by one launch.
      auto dparams_n = at::empty({2, n, channels}, x.options().dtype(at::kFloat));
      if (shift) dshift = at::empty({n, channels}, x.options());
      check_launch(kernels::launch_group_norm_backward(dtypes.x, dtypes.y, dtypes.p, x.data_ptr(), data_or_null(shift),
                                                       data_or_null(weight), data_or_null(bias), mean.data_ptr<float>(),
                                                       rstd.data_ptr<float>(), dy.data_ptr(), dx.data_ptr(),
                                                       shift ? dshift.data_ptr() : nullptr, dparams_n[0].data_ptr<float>(),
                                                       dparams_n[1].data_ptr<float>(), n, channels, x.numel() / (n * channels),
                                                       channels_last, groups, silu, stream_of(x)),
                   "group_norm backward");
      std::tie(dweight, dbias) = weight_grads(dparams_n, weight.has_value(), bias.has_value());
#endif
    } else {
      auto xhat = group_xhat(x, shift, mean, rstd, groups);
      auto da = grads[0].to(opmath(x));
      if (silu) {
        auto a = group_affine(xhat, x, weight, bias);
        auto s = at::sigmoid(a);
        da = da * s * (1 + a * (1 - s));
      }
      auto g = weight ? da * per_channel(*weight, x, false) : da;
      auto gg = g.reshape({n, groups, -1}), xg = xhat.reshape({n, groups, -1});
      auto dz = (rstd.view({n, groups, 1}) * (gg - gg.mean(-1, true) - xg * (gg * xg).mean(-1, true))).reshape(x.sizes());
      dx = dz.to(x.scalar_type()).contiguous(x.suggest_memory_format());
      if (weight) dweight = (da * xhat).sum(dims_except_channels(x, false));
      if (bias) dbias = da.sum(dims_except_channels(x, false));
      if (shift) dshift = x.dim() > 2 ? dz.sum(dims_except_channels(x, true)) : dz;
    }
    if (weight) dweight = dweight.to(weight->scalar_type()).view_as(*weight);
    if (bias) dbias = dbias.to(bias->scalar_type()).view_as(*bias);
    if (shift) dshift = dshift.to(shift->scalar_type()).view_as(*shift);
    // One gradient per forward argument: none for groups, eps, silu, y_type, param_type and kernels.
    return {dx, dweight, dbias, dshift, at::Tensor(), at::Tensor(), at::Tensor(), at::Tensor(), at::Tensor(), at::Tensor()};
  }
};

struct LayerNormFunction : public torch::autograd::Function<LayerNormFunction> {
  static at::Tensor forward(AutogradContext* ctx, const at::Tensor& x, const OptionalTensor& weight, const OptionalTensor& bias,
                            double eps, at::ScalarType y_type, at::ScalarType param_type, bool kernels) {
    const int64_t cols = x.size(-1), rows = x.numel() / cols;
    at::Tensor y, mean, rstd;
    if (kernels) {
#ifdef RC_WITH_NORM_KERNELS
      c10::cuda::CUDAGuard guard(x.device());
      const auto dtypes = *kernel_dtypes(x, false, y_type, param_type, {}, {&weight, &bias});
      y = at::empty_like(x, x.options().dtype(y_type));
      mean = at::empty({rows}, x.options().dtype(at::kFloat));
      rstd = at::empty_like(mean);
      check_launch(kernels::launch_layer_norm(dtypes.x, dtypes.y, dtypes.p, x.data_ptr(), y.data_ptr(), data_or_null(weight),
                                              data_or_null(bias), rows, cols, static_cast<float>(eps), mean.data_ptr<float>(),
                                              rstd.data_ptr<float>(), stream_of(x)),
                   "layer_norm");
#endif
    } else {
      auto xr = x.to(opmath(x)).reshape({rows, cols});
      mean = xr.mean(-1);
      rstd = ((xr - mean.unsqueeze(-1)).square().mean(-1) + eps).rsqrt();
      auto a = (xr - mean.unsqueeze(-1)) * rstd.unsqueeze(-1);
      if (weight) a = a * weight->to(opmath(x));
      if (bias) a = a + bias->to(opmath(x));
      y = a.reshape(x.sizes()).to(y_type);
    }
    ctx->save_for_backward({x, or_undefined(weight), or_undefined(bias), mean, rstd});
    Saved{y_type, param_type, kernels}.save(ctx);
    return y;
  }

  static variable_list backward(AutogradContext* ctx, variable_list grads) {
    check_not_double_backward("layer_norm");
    const auto saved = ctx->get_saved_variables();
    const at::Tensor& x = saved[0];
    const OptionalTensor weight = as_optional(saved[1]), bias = as_optional(saved[2]);
    const at::Tensor &mean = saved[3], &rstd = saved[4];
    const int64_t cols = x.size(-1), rows = x.numel() / cols;
    const auto paths = Saved::load(ctx);
    at::Tensor dx, dweight, dbias;
    if (paths.kernels) {
#ifdef RC_WITH_NORM_KERNELS
      c10::cuda::CUDAGuard guard(x.device());
      const auto dtypes = *kernel_dtypes(x, false, paths.y_type, paths.param_type, {}, {&weight, &bias});
      auto dy = grads[0].to(paths.y_type).contiguous();
      dx = at::empty_like(x);
      auto dparams_b = at::empty({2, kernels::layer_norm_backward_blocks(rows), cols}, x.options().dtype(at::kFloat));
      check_launch(kernels::launch_layer_norm_backward(dtypes.x, dtypes.y, dtypes.p, x.data_ptr(), data_or_null(weight),
                                                       mean.data_ptr<float>(), rstd.data_ptr<float>(), dy.data_ptr(),
                                                       dx.data_ptr(), dparams_b[0].data_ptr<float>(), dparams_b[1].data_ptr<float>(),
                                                       rows, cols, stream_of(x)),
                   "layer_norm backward");
      std::tie(dweight, dbias) = weight_grads(dparams_b, weight.has_value(), bias.has_value());
#endif
    } else {
      auto xhat = (x.to(opmath(x)).reshape({rows, cols}) - mean.unsqueeze(-1)) * rstd.unsqueeze(-1);
      auto dy = grads[0].to(opmath(x)).reshape({rows, cols});
      auto g = weight ? dy * weight->to(opmath(x)) : dy;
      auto dxr = rstd.unsqueeze(-1) * (g - g.mean(-1, true) - xhat * (g * xhat).mean(-1, true));
      dx = dxr.reshape(x.sizes()).to(x.scalar_type());
      if (weight) dweight = (dy * xhat).sum(0);
      if (bias) dbias = dy.sum(0);
    }
    if (weight) dweight = dweight.to(weight->scalar_type()).view_as(*weight);
    if (bias) dbias = dbias.to(bias->scalar_type()).view_as(*bias);
    return {dx, dweight, dbias, at::Tensor(), at::Tensor(), at::Tensor(), at::Tensor()};  // none for eps, y_type, param_type, kernels
  }
};

}  // namespace

TrainingPath training_path() { return static_cast<TrainingPath>(current_path.load()); }

void set_training_path(TrainingPath path) { current_path.store(static_cast<int32_t>(path)); }

OptionalTensor trainable_group_norm(const NormInputs& in, int64_t groups, double eps, bool silu) {
  const TrainingPath path = training_path();
  if (path == TrainingPath::Operators) return c10::nullopt;
  bool kernels = false;
#ifdef RC_WITH_NORM_KERNELS
  const int64_t n = in.x.size(0), channels = in.x.size(1);
  if (path == TrainingPath::FusedKernels) {
    if (const auto dtypes = kernel_dtypes(in.x, true, in.y_type, in.param_type, {&in.shift}, {&in.weight, &in.bias}))
      kernels = kernels::group_norm_backward_launchable(channels, in.x.numel() / std::max<int64_t>(n * channels, 1), groups,
                                                        !in.x.is_contiguous(), dtypes->x, dtypes->y, in.x.data_ptr(),
                                                        data_or_null(in.shift));
  }
#endif
  if (path == TrainingPath::FusedKernels && !kernels) return c10::nullopt;
  return GroupNormFunction::apply(in.x, in.weight, in.bias, in.shift, groups, eps, silu, in.y_type, in.param_type, kernels);
}

OptionalTensor trainable_layer_norm(const NormInputs& in, double eps) {
  const TrainingPath path = training_path();
  if (path == TrainingPath::Operators) return c10::nullopt;
  bool kernels = false;
#ifdef RC_WITH_NORM_KERNELS
  kernels = path == TrainingPath::FusedKernels && kernels::layer_norm_fits(in.x.size(-1)) &&
            kernel_dtypes(in.x, false, in.y_type, in.param_type, {}, {&in.weight, &in.bias}).has_value();
#endif
  if (path == TrainingPath::FusedKernels && !kernels) return c10::nullopt;
  return LayerNormFunction::apply(in.x, in.weight, in.bias, eps, in.y_type, in.param_type, kernels);
}

}  // namespace rc::norms
