// What the normalizations' two files share (rc_norms.cpp: the entry points and inference, rc_norm_training.cpp: the
// autograd functions of the training path): how a normalization that needs autograd runs, and the glue to the fused
// CUDA kernels (cuda/rc_norm_kernels.h) where the shim was built with them.
#pragma once
#include <ATen/ATen.h>
#include <c10/util/Optional.h>
#include <cstdint>
#include <initializer_list>

// Plain C++: its launchers exist where the shim was built with the kernels, its size rules on every build.
#include "cuda/rc_norm_kernels.h"

namespace rc::norms {

using OptionalTensor = c10::optional<at::Tensor>;

// How normalizations that need autograd run: libtorch's operators (the default); the fused CUDA kernels with their
// backward where they apply, the operators elsewhere; or the kernels' algebra written as ATen operators, on any device
// (how the tests check that algebra and the autograd wiring on the CPU). One setting for the process, like TF32's.
enum class TrainingPath : int32_t { Operators = 0, FusedKernels = 1, Formulas = 2 };
TrainingPath training_path();
void set_training_path(TrainingPath path);

// Whether autograd records a graph through x or any of the others.
bool needs_grad(const at::Tensor& x, std::initializer_list<const OptionalTensor*> others);

// A normalization's inputs as the fused paths take them, and its output's and parameters' dtypes. Under autocast (which
// runs group_norm and layer_norm in float32) the weight and bias are float32 and the output too, or autocast's own dtype
// when low_precision_output says that the output only feeds operations autocast runs in it (convolutions, linears),
// which would round it so; a bf16 or fp16 x stays as it is (the kernels read it so) and shift takes x's dtype. Otherwise
// all as given, the output in x's dtype. Casts are recorded, so gradients come back in the callers' dtypes.
struct NormInputs {
  at::Tensor x;
  OptionalTensor weight, bias, shift;
  at::ScalarType y_type, param_type;
};
NormInputs norm_inputs(const at::Tensor& x, const OptionalTensor& weight, const OptionalTensor& bias, const OptionalTensor& shift,
                       bool low_precision_output);

// GroupNorm of x + shift (then SiLU) / LayerNorm over the last dimension through the training path's autograd function,
// or none where that path does not apply (then the caller runs the operators).
OptionalTensor trainable_group_norm(const NormInputs& in, int64_t groups, double eps, bool silu);
OptionalTensor trainable_layer_norm(const NormInputs& in, double eps);

#ifdef RC_WITH_NORM_KERNELS
struct KernelDTypes {
  kernels::NormDType x, y, p;
};

// The kernels' dtypes for x (and like_x: shift), an output of y_type and params (weight and bias) of param_type, or none
// where x is not a non-empty CUDA tensor laid out contiguously (NCHW, or channels-last where allowed), the others differ
// from x or param_type in dtype, or from x in device, or are not contiguous, or the kernels do not take the triple.
c10::optional<KernelDTypes> kernel_dtypes(const at::Tensor& x, bool allow_channels_last, at::ScalarType y_type,
                                          at::ScalarType param_type, std::initializer_list<const OptionalTensor*> like_x,
                                          std::initializer_list<const OptionalTensor*> params);
// The kernels' name of a float dtype (float32, bf16, fp16), or none.
c10::optional<kernels::NormDType> norm_dtype(at::ScalarType t);
const void* data_or_null(const OptionalTensor& t);
void* stream_of(const at::Tensor& x);
void check_launch(int status, const char* what);
#endif

}  // namespace rc::norms
