// Nearest-neighbour upsampling by an integer factor (the U-Net's up stages: 2): on CUDA, a channels-last map of a float
// dtype with channels in runs of 8 goes through one vector kernel each way (cuda/rc_upsample_kernels.cu), where nothing
// needs autograd or the training path is the fused kernels'; the training path's formulas as ATen operators on any
// device (how the CPU checks the wiring); libtorch's upsample_nearest2d otherwise.
#include <ATen/ATen.h>
#include <torch/csrc/autograd/custom_function.h>
#include "rc_errors.h"
#include "rc_norms.h"
#include "rc_tensor.h"

#ifdef RC_WITH_NORM_KERNELS
#include <c10/cuda/CUDAGuard.h>
#include "cuda/rc_upsample_kernels.h"
#endif

namespace {

using rc::norms::TrainingPath;
using torch::autograd::AutogradContext;
using torch::autograd::variable_list;

bool kernels_apply(const at::Tensor& x, int64_t factor) {
#ifdef RC_WITH_NORM_KERNELS
  return x.is_cuda() && x.dim() == 4 && x.numel() > 0 && x.is_contiguous(at::MemoryFormat::ChannelsLast) && rc::norms::norm_dtype(x.scalar_type()) &&
         rc::kernels::upsample_fits(x.size(1), factor) && rc::kernels::aligned16(x.data_ptr());
#else
  (void)x, (void)factor;
  return false;
#endif
}

// y (forward) or dx (backward) of the kernels: `in` is x or dy, channels-last; sizes are x's. The kernels read 16-byte
// vectors, so an input that is a view at an unaligned offset is copied first.
at::Tensor run_kernel(const at::Tensor& given, at::IntArrayRef sizes, int64_t factor, bool backward) {
#ifdef RC_WITH_NORM_KERNELS
  const auto in = rc::kernels::aligned16(given.data_ptr()) ? given : given.clone(at::MemoryFormat::ChannelsLast);
  c10::cuda::CUDAGuard guard(in.device());
  const int64_t n = sizes[0], c = sizes[1], h = sizes[2], w = sizes[3];
  const std::vector<int64_t> out_sizes = backward ? std::vector<int64_t>{n, c, h, w} : std::vector<int64_t>{n, c, h * factor, w * factor};
  auto out = at::empty(out_sizes, in.options().memory_format(at::MemoryFormat::ChannelsLast));
  const auto dtype = *rc::norms::norm_dtype(in.scalar_type());
  const auto launch = backward ? rc::kernels::launch_upsample_nearest_backward : rc::kernels::launch_upsample_nearest;
  rc::norms::check_launch(launch(dtype, in.data_ptr(), n, h, w, c, static_cast<int>(factor), out.data_ptr(), rc::norms::stream_of(in)),
                          backward ? "upsample_nearest2d backward" : "upsample_nearest2d");
  return out;
#else
  (void)given, (void)sizes, (void)factor, (void)backward;
  TORCH_CHECK(false, "upsample_nearest2d: this shim was built without the CUDA kernels");
#endif
}

// The formulas: each value repeated over a factor x factor square; the square's gradients summed in float32 (as the kernel
// does), rounded once.
at::Tensor upsample_formula(const at::Tensor& x, int64_t f) {
  const int64_t n = x.size(0), c = x.size(1), h = x.size(2), w = x.size(3);
  return x.view({n, c, h, 1, w, 1}).expand({n, c, h, f, w, f}).reshape({n, c, h * f, w * f}).contiguous(x.suggest_memory_format());
}

at::Tensor upsample(const at::Tensor& x, int64_t factor, bool kernels) {
  return kernels ? run_kernel(x, x.sizes(), factor, false) : upsample_formula(x, factor);
}

at::Tensor upsample_backward_formula(const at::Tensor& g, at::IntArrayRef sizes, int64_t f) {
  const auto opmath = g.scalar_type() == at::kDouble ? at::kDouble : at::kFloat;
  return g.to(opmath).reshape({sizes[0], sizes[1], sizes[2], f, sizes[3], f}).sum({3, 5}).to(g.scalar_type()).contiguous(g.suggest_memory_format());
}

struct UpsampleNearestFunction : public torch::autograd::Function<UpsampleNearestFunction> {
  static at::Tensor forward(AutogradContext* ctx, const at::Tensor& x, int64_t factor, bool kernels) {
    ctx->saved_data["factor"] = factor;
    ctx->saved_data["kernels"] = kernels;
    ctx->saved_data["sizes"] = x.sizes();
    return upsample(x, factor, kernels);
  }

  static variable_list backward(AutogradContext* ctx, variable_list grads) {
    const int64_t factor = ctx->saved_data["factor"].toInt();
    const auto sizes = ctx->saved_data["sizes"].toIntVector();
    if (ctx->saved_data["kernels"].toBool()) {
      TORCH_CHECK(!at::GradMode::is_enabled(), "upsample_nearest2d: the kernel's backward is not differentiable again (create_graph); use the "
                  "operators' training path (NormTraining.Operators) for higher-order gradients");
      return {run_kernel(grads[0].contiguous(at::MemoryFormat::ChannelsLast), sizes, factor, true), at::Tensor(), at::Tensor()};
    }
    return {upsample_backward_formula(grads[0], sizes, factor), at::Tensor(), at::Tensor()};
  }
};

at::Tensor upsample_nearest(const at::Tensor& x, int64_t factor) {
  TORCH_CHECK(x.dim() == 4, "upsample_nearest2d: expects a (N, C, H, W) map, got ", x.sizes());
  TORCH_CHECK(factor >= 1, "upsample_nearest2d: the factor must be a positive integer, got ", factor);
  const bool grad = rc::norms::needs_grad(x, {});
  const auto path = rc::norms::training_path();
  if (grad && path == TrainingPath::Formulas && x.numel() > 0) return UpsampleNearestFunction::apply(x, factor, false);
  if (kernels_apply(x, factor)) {
    if (!grad) return upsample(x, factor, true);
    if (path == TrainingPath::FusedKernels) return UpsampleNearestFunction::apply(x, factor, true);
  }
  return at::upsample_nearest2d(x, {x.size(2) * factor, x.size(3) * factor});
}

}  // namespace

extern "C" {

int32_t rc_upsample_nearest(rc_tensor input, int64_t factor, rc_tensor* out) {
  return rc::guarded([&] { *out = rc::wrap(upsample_nearest(rc::unwrap(input), factor)); });
}

}  // extern "C"
