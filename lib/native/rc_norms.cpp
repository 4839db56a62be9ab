// GroupNorm (with a per-channel shift before it and SiLU after it) and LayerNorm: libtorch's operators, or for
// inference on CUDA the fused kernels of cuda/rc_norm_kernels.cu (built when the CUDA compiler is there:
// RC_WITH_NORM_KERNELS). The fused path is taken only
// when it computes what the operators would: no autograd graph is needed, autocast (which would run the operators in
// float32) is off, and input (NCHW or channels-last), weight, bias and shift are contiguous and of one float dtype.
// Anything else takes the operators.
#include <ATen/ATen.h>
#include <ATen/core/grad_mode.h>
#include <c10/util/Optional.h>
#include <algorithm>
#include <initializer_list>
#include <vector>
#include "rc_errors.h"
#include "rc_perf.h"
#include "rc_tensor.h"

#ifdef RC_WITH_NORM_KERNELS
#include <ATen/cuda/CUDAContext.h>
#include <c10/cuda/CUDAGuard.h>
#include <cuda_runtime_api.h>
#include "cuda/rc_norm_kernels.h"
#endif

namespace {

c10::optional<at::Tensor> optional_tensor(rc_tensor t) {
  if (t == nullptr) return c10::nullopt;
  return rc::unwrap(t);
}

#ifdef RC_WITH_NORM_KERNELS
using rc::kernels::NormDType;

// The kernels' dtype for x, weight, bias and shift, or none when the operators must run: x is not a CUDA tensor laid out
// contiguously (NCHW, or channels-last when that is allowed), an autograd graph is needed, autocast is on, or the
// other tensors differ from x in dtype, device or contiguity.
c10::optional<NormDType> fusable(const at::Tensor& x, bool allow_channels_last, std::initializer_list<const c10::optional<at::Tensor>*> others) {
  if (!x.is_cuda() || x.numel() == 0 || rc::autocast_enabled(c10::DeviceType::CUDA)) return c10::nullopt;
  if (!x.is_contiguous() && !(allow_channels_last && x.dim() == 4 && x.is_contiguous(at::MemoryFormat::ChannelsLast))) return c10::nullopt;
  bool needs_grad = x.requires_grad();
  for (const auto* p : others) {
    if (!*p) continue;
    const auto& t = **p;
    if (t.scalar_type() != x.scalar_type() || t.device() != x.device() || !t.is_contiguous()) return c10::nullopt;
    needs_grad = needs_grad || t.requires_grad();
  }
  if (needs_grad && at::GradMode::is_enabled()) return c10::nullopt;
  switch (x.scalar_type()) {
    case at::kFloat: return NormDType::Float32;
    case at::kBFloat16: return NormDType::BFloat16;
    case at::kHalf: return NormDType::Float16;
    default: return c10::nullopt;
  }
}

const void* data_or_null(const c10::optional<at::Tensor>& t) { return t ? t->data_ptr() : nullptr; }

void check_launch(int status, const char* what) {
  TORCH_CHECK(status == 0, what, ": CUDA kernel launch failed: ", cudaGetErrorString(static_cast<cudaError_t>(status)));
}
#endif

void check_values(const c10::optional<at::Tensor>& t, int64_t expected, const char* what, const char* per) {
  TORCH_CHECK(!t || t->numel() == expected, what, " has ", t ? t->numel() : 0, " values for ", expected, " ", per);
}

at::Tensor normalize_groups(const at::Tensor& x, int64_t groups, const c10::optional<at::Tensor>& weight,
                            const c10::optional<at::Tensor>& bias, const c10::optional<at::Tensor>& shift, double eps,
                            bool silu) {
  TORCH_CHECK(x.dim() >= 2, "group_norm: the input ", x.sizes(), " has no channel dimension");
  const int64_t n = x.size(0), channels = x.size(1);
  check_values(shift, n * channels, "group_norm: shift", "(sample, channel) pairs");
#ifdef RC_WITH_NORM_KERNELS
  if (rc::kernels::group_norm_fits(channels, x.numel() / std::max<int64_t>(n * channels, 1), groups)) {
    if (auto dtype = fusable(x, true, {&weight, &bias, &shift})) {
      check_values(weight, channels, "group_norm: weight", "channels");
      check_values(bias, channels, "group_norm: bias", "channels");
      c10::cuda::CUDAGuard guard(x.device());
      const bool channels_last = !x.is_contiguous();
      auto y = at::empty_like(x);
      check_launch(rc::kernels::launch_group_norm(*dtype, x.data_ptr(), y.data_ptr(), data_or_null(weight), data_or_null(bias),
                                                  data_or_null(shift), n, channels, x.numel() / (n * channels), channels_last,
                                                  groups, static_cast<float>(eps), silu,
                                                  at::cuda::getCurrentCUDAStream(x.device().index()).stream()),
                   "group_norm");
      return y;
    }
  }
#endif
  at::Tensor input = x;
  if (shift) {
    std::vector<int64_t> per_channel{n, channels};
    per_channel.resize(x.dim(), 1);
    input = x + shift->reshape(per_channel);
  }
  auto y = at::group_norm(input, groups, weight, bias, eps);
  return silu ? at::silu(y) : y;
}

at::Tensor normalize_rows(const at::Tensor& x, const c10::optional<at::Tensor>& weight, const c10::optional<at::Tensor>& bias,
                      double eps) {
  TORCH_CHECK(x.dim() >= 1, "layer_norm: the input has no dimensions");
  const int64_t cols = x.size(-1);
#ifdef RC_WITH_NORM_KERNELS
  if (auto dtype = rc::kernels::layer_norm_fits(cols) ? fusable(x, false, {&weight, &bias}) : c10::nullopt) {
    check_values(weight, cols, "layer_norm: weight", "columns");
    check_values(bias, cols, "layer_norm: bias", "columns");
    c10::cuda::CUDAGuard guard(x.device());
    auto y = at::empty_like(x);
    check_launch(rc::kernels::launch_layer_norm(*dtype, x.data_ptr(), y.data_ptr(), data_or_null(weight), data_or_null(bias),
                                                x.numel() / cols, cols, static_cast<float>(eps),
                                                at::cuda::getCurrentCUDAStream(x.device().index()).stream()),
                 "layer_norm");
    return y;
  }
#endif
  return at::layer_norm(x, {cols}, weight, bias, eps);
}

}  // namespace

extern "C" {

int32_t rc_group_norm(rc_tensor x, int64_t groups, rc_tensor weight, rc_tensor bias, rc_tensor shift, double eps, int32_t silu,
                      rc_tensor* out) {
  return rc::guarded([&] {
    *out = rc::wrap(normalize_groups(rc::unwrap(x), groups, optional_tensor(weight), optional_tensor(bias), optional_tensor(shift),
                                     eps, silu != 0));
  });
}

int32_t rc_layer_norm(rc_tensor x, rc_tensor weight, rc_tensor bias, double eps, rc_tensor* out) {
  return rc::guarded([&] { *out = rc::wrap(normalize_rows(rc::unwrap(x), optional_tensor(weight), optional_tensor(bias), eps)); });
}

int32_t rc_fused_norm_kernels(void) {
#ifdef RC_WITH_NORM_KERNELS
  return 1;
#else
  return 0;
#endif
}

}  // extern "C"
