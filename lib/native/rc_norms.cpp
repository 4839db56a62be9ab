// GroupNorm (with a per-channel shift before it and SiLU after it) and LayerNorm: libtorch's operators, or on CUDA the
// fused kernels of cuda/ (built when the CUDA compiler is there: RC_WITH_NORM_KERNELS). Inference takes the fused
// kernels when they compute what the operators would: input (NCHW or channels-last), weight, bias and shift contiguous
// and of one float dtype, or under autocast as autocast runs the operators (float32, from a bf16 or fp16 input read as
// it is: norm_inputs). Calls that need autograd take the training path that rc_set_norm_training chose
// (rc_norm_training.cpp; the operators by default).
#include <ATen/ATen.h>
#include <ATen/core/grad_mode.h>
#include <algorithm>
#include <vector>
#include "rc_errors.h"
#include "rc_norms.h"
#include "rc_perf.h"
#include "rc_tensor.h"

#ifdef RC_WITH_NORM_KERNELS
#include <ATen/cuda/CUDAContext.h>
#include <c10/cuda/CUDAGuard.h>
#include <cuda_runtime_api.h>
#endif

namespace rc::norms {

bool needs_grad(const at::Tensor& x, std::initializer_list<const OptionalTensor*> others) {
  if (!at::GradMode::is_enabled()) return false;
  bool needed = x.requires_grad();
  for (const auto* p : others) needed = needed || (*p && (*p)->requires_grad());
  return needed;
}

namespace {

OptionalTensor to_type(const OptionalTensor& t, at::ScalarType type) { return t ? OptionalTensor(t->to(type)) : c10::nullopt; }

}  // namespace

NormInputs norm_inputs(const at::Tensor& x, const OptionalTensor& weight, const OptionalTensor& bias, const OptionalTensor& shift,
                       bool low_precision_output) {
  const auto device = x.device().type();
  if (!rc::autocast_enabled(device)) return {x, weight, bias, shift, x.scalar_type(), x.scalar_type()};
  const bool low_precision = x.scalar_type() == at::kBFloat16 || x.scalar_type() == at::kHalf;
  const auto x_type = low_precision ? x.scalar_type() : at::kFloat;
  const auto y_type = low_precision_output ? rc::autocast_dtype(device) : at::kFloat;
  return {x.to(x_type), to_type(weight, at::kFloat), to_type(bias, at::kFloat), to_type(shift, x_type), y_type, at::kFloat};
}

#ifdef RC_WITH_NORM_KERNELS
c10::optional<kernels::NormDType> norm_dtype(at::ScalarType t) {
  switch (t) {
    case at::kFloat: return kernels::NormDType::Float32;
    case at::kBFloat16: return kernels::NormDType::BFloat16;
    case at::kHalf: return kernels::NormDType::Float16;
    default: return c10::nullopt;
  }
}

namespace {

bool all_like(const at::Tensor& x, at::ScalarType type, std::initializer_list<const OptionalTensor*> others) {
  for (const auto* p : others) {
    if (*p && ((*p)->scalar_type() != type || (*p)->device() != x.device() || !(*p)->is_contiguous())) return false;
  }
  return true;
}

}  // namespace

c10::optional<KernelDTypes> kernel_dtypes(const at::Tensor& x, bool allow_channels_last, at::ScalarType y_type,
                                          at::ScalarType param_type, std::initializer_list<const OptionalTensor*> like_x,
                                          std::initializer_list<const OptionalTensor*> params) {
  if (!x.is_cuda() || x.numel() == 0) return c10::nullopt;
  if (!x.is_contiguous() && !(allow_channels_last && x.dim() == 4 && x.is_contiguous(at::MemoryFormat::ChannelsLast))) return c10::nullopt;
  if (!all_like(x, x.scalar_type(), like_x) || !all_like(x, param_type, params)) return c10::nullopt;
  auto xd = norm_dtype(x.scalar_type()), yd = norm_dtype(y_type), pd = norm_dtype(param_type);
  if (!xd || !yd || !pd || !kernels::dtypes_supported(*xd, *yd, *pd)) return c10::nullopt;
  return KernelDTypes{*xd, *yd, *pd};
}

const void* data_or_null(const OptionalTensor& t) { return t ? t->data_ptr() : nullptr; }

void* stream_of(const at::Tensor& x) { return at::cuda::getCurrentCUDAStream(x.device().index()).stream(); }

void check_launch(int status, const char* what) {
  TORCH_CHECK(status == 0, what, ": CUDA kernel launch failed: ", cudaGetErrorString(static_cast<cudaError_t>(status)));
}
#endif

}  // namespace rc::norms

namespace {

using rc::norms::OptionalTensor;

OptionalTensor optional_tensor(rc_tensor t) {
  if (t == nullptr) return c10::nullopt;
  return rc::unwrap(t);
}

void check_values(const OptionalTensor& t, int64_t expected, const char* what, const char* per) {
  TORCH_CHECK(!t || t->numel() == expected, what, " has ", t ? t->numel() : 0, " values for ", expected, " ", per);
}

// Whether a fused path may take this call: the training path where autograd records a graph and it is not the
// operators', the inference kernels on a CUDA tensor otherwise (where the shim has them).
bool fused_path_may_apply(const at::Tensor& x, bool grad) {
  if (grad) return rc::norms::training_path() != rc::norms::TrainingPath::Operators;
#ifdef RC_WITH_NORM_KERNELS
  return x.is_cuda();
#else
  return false;
#endif
}

at::Tensor normalize_groups(const at::Tensor& x, int64_t groups, const OptionalTensor& weight, const OptionalTensor& bias,
                            const OptionalTensor& shift, double eps, bool silu, bool low_precision_output) {
  TORCH_CHECK(x.dim() >= 2, "group_norm: the input ", x.sizes(), " has no channel dimension");
  TORCH_CHECK(groups > 0 && x.size(1) % groups == 0, "group_norm: ", x.size(1), " channels do not split into ", groups, " groups");
  const int64_t n = x.size(0), channels = x.size(1);
  check_values(shift, n * channels, "group_norm: shift", "(sample, channel) pairs");
  check_values(weight, channels, "group_norm: weight", "channels");
  check_values(bias, channels, "group_norm: bias", "channels");
  const bool grad = rc::norms::needs_grad(x, {&weight, &bias, &shift});
  if (fused_path_may_apply(x, grad)) {
    const auto in = rc::norms::norm_inputs(x, weight, bias, shift, low_precision_output);
    if (grad) {
      if (auto y = rc::norms::trainable_group_norm(in, groups, eps, silu)) return *y;
    }
#ifdef RC_WITH_NORM_KERNELS
    else if (auto dtypes = rc::norms::kernel_dtypes(in.x, true, in.y_type, in.param_type, {&in.shift}, {&in.weight, &in.bias})) {
      const int64_t hw = x.numel() / std::max<int64_t>(n * channels, 1);
      const bool channels_last = !in.x.is_contiguous();
      if ((channels_last && rc::kernels::channels_last_kernel_plan(channels, hw, groups, dtypes->x, in.x.data_ptr(),
                                                                   rc::norms::data_or_null(in.shift))) ||
          rc::kernels::group_norm_fits(channels, hw, groups)) {
        c10::cuda::CUDAGuard guard(x.device());
        auto y = at::empty_like(in.x, in.x.options().dtype(in.y_type));
        rc::norms::check_launch(
            rc::kernels::launch_group_norm(dtypes->x, dtypes->y, dtypes->p, in.x.data_ptr(), y.data_ptr(), rc::norms::data_or_null(in.weight),
                                           rc::norms::data_or_null(in.bias), rc::norms::data_or_null(in.shift), n, channels,
                                           hw, channels_last, groups, static_cast<float>(eps),
                                           silu, nullptr, nullptr, rc::norms::stream_of(x)),
            "group_norm");
        return y;
      }
    }
#endif
  }
  at::Tensor input = x;
  if (shift) {
    std::vector<int64_t> per_channel{n, channels};
    per_channel.resize(x.dim(), 1);
    input = x + shift->reshape(per_channel);
  }
  auto y = at::group_norm(input, groups, weight, bias, eps);
  return silu ? at::silu(y) : y;
}

at::Tensor normalize_rows(const at::Tensor& x, const OptionalTensor& weight, const OptionalTensor& bias, double eps,
                          bool low_precision_output) {
  TORCH_CHECK(x.dim() >= 1, "layer_norm: the input has no dimensions");
  const int64_t cols = x.size(-1);
  check_values(weight, cols, "layer_norm: weight", "columns");
  check_values(bias, cols, "layer_norm: bias", "columns");
  const bool grad = rc::norms::needs_grad(x, {&weight, &bias});
  if (fused_path_may_apply(x, grad)) {
    const auto in = rc::norms::norm_inputs(x, weight, bias, c10::nullopt, low_precision_output);
    if (grad) {
      if (auto y = rc::norms::trainable_layer_norm(in, eps)) return *y;
    }
#ifdef RC_WITH_NORM_KERNELS
    else if (rc::kernels::layer_norm_fits(cols)) {
      if (auto dtypes = rc::norms::kernel_dtypes(in.x, false, in.y_type, in.param_type, {}, {&in.weight, &in.bias})) {
        c10::cuda::CUDAGuard guard(x.device());
        auto y = at::empty_like(in.x, in.x.options().dtype(in.y_type));
        rc::norms::check_launch(rc::kernels::launch_layer_norm(dtypes->x, dtypes->y, dtypes->p, in.x.data_ptr(), y.data_ptr(),
                                                               rc::norms::data_or_null(in.weight), rc::norms::data_or_null(in.bias),
                                                               x.numel() / cols, cols, static_cast<float>(eps), nullptr, nullptr,
                                                               rc::norms::stream_of(x)),
                                "layer_norm");
        return y;
      }
    }
#endif
  }
  return at::layer_norm(x, {cols}, weight, bias, eps);
}

}  // namespace

extern "C" {

int32_t rc_group_norm(rc_tensor x, int64_t groups, rc_tensor weight, rc_tensor bias, rc_tensor shift, double eps, int32_t silu,
                      int32_t low_precision_output, rc_tensor* out) {
  return rc::guarded([&] {
    *out = rc::wrap(normalize_groups(rc::unwrap(x), groups, optional_tensor(weight), optional_tensor(bias), optional_tensor(shift),
                                     eps, silu != 0, low_precision_output != 0));
  });
}

int32_t rc_layer_norm(rc_tensor x, rc_tensor weight, rc_tensor bias, double eps, int32_t low_precision_output, rc_tensor* out) {
  return rc::guarded([&] {
    *out = rc::wrap(normalize_rows(rc::unwrap(x), optional_tensor(weight), optional_tensor(bias), eps, low_precision_output != 0));
  });
}

int32_t rc_fused_norm_kernels(void) {
#ifdef RC_WITH_NORM_KERNELS
  return 1;
#else
  return 0;
#endif
}

int32_t rc_set_norm_training(int32_t path) {
  return rc::guarded([&] {
    TORCH_CHECK(path >= 0 && path <= 2, "norm training path: ", path, " is none of 0 (operators), 1 (fused kernels), 2 (formulas)");
    rc::norms::set_training_path(static_cast<rc::norms::TrainingPath>(path));
  });
}

int32_t rc_get_norm_training(int32_t* path) {
  return rc::guarded([&] { *path = static_cast<int32_t>(rc::norms::training_path()); });
}

int32_t rc_set_channels_last_norm_kernel(int32_t vector) {
  return rc::guarded([&] {
#ifdef RC_WITH_NORM_KERNELS
    rc::kernels::set_channels_last_kernel(vector != 0);
#else
    TORCH_CHECK(false, "channels-last norm kernel: this shim was built without the fused CUDA kernels (asked for ", vector, ")");
#endif
  });
}

int32_t rc_channels_last_norm_plan(int64_t channels, int64_t hw, int64_t groups, int32_t x_bytes, int32_t* slab, int32_t* threads) {
  return rc::guarded([&] {
    TORCH_CHECK(x_bytes == 2 || x_bytes == 4, "channels-last norm plan: ", x_bytes, " bytes per value (2 or 4)");
    const auto plan = rc::kernels::channels_last_plan(channels, hw, groups, x_bytes);
    *slab = plan.slab;
    *threads = plan ? plan.threads() : 0;
  });
}

int32_t rc_get_channels_last_norm_kernel(int32_t* vector) {
  return rc::guarded([&] {
#ifdef RC_WITH_NORM_KERNELS
    *vector = rc::kernels::channels_last_kernel() ? 1 : 0;
#else
    *vector = 0;
#endif
  });
}

}  // extern "C"
