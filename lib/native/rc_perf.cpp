// Performance switches: TF32 for float32 matmuls (cuBLAS) and convolutions (cuDNN), cuDNN autotuning, and autocast scopes.
// The autocast API changed in libtorch 2.4 (per-device-type functions replaced is_enabled/set_enabled and the
// *_gpu_dtype/*_cpu_dtype pairs), so the two spellings are chosen by TORCH_VERSION.
#include <ATen/Context.h>
#include <ATen/autocast_mode.h>
#include <torch/version.h>
#include "rc_checks.h"
#include "rc_errors.h"
#include "rc_perf.h"
#include "rc_tensor.h"

#if TORCH_VERSION_MAJOR > 2 || (TORCH_VERSION_MAJOR == 2 && TORCH_VERSION_MINOR >= 4)
#define RC_AUTOCAST_PER_DEVICE 1
#endif

namespace rc {

bool autocast_enabled(c10::DeviceType d) {
#ifdef RC_AUTOCAST_PER_DEVICE
  return at::autocast::is_autocast_enabled(d);
#else
  return d == c10::DeviceType::CUDA ? at::autocast::is_enabled() : at::autocast::is_cpu_enabled();
#endif
}

at::ScalarType autocast_dtype(c10::DeviceType d) {
#ifdef RC_AUTOCAST_PER_DEVICE
  return at::autocast::get_autocast_dtype(d);
#else
  return d == c10::DeviceType::CUDA ? at::autocast::get_autocast_gpu_dtype() : at::autocast::get_autocast_cpu_dtype();
#endif
}

}  // namespace rc

namespace {

using rc::autocast_dtype;
using rc::autocast_enabled;

void check_device(int32_t device_type) {
  TORCH_CHECK(device_type == static_cast<int32_t>(c10::DeviceType::CPU) ||
                  device_type == static_cast<int32_t>(c10::DeviceType::CUDA),
              "autocast: device type ", device_type, " is neither CPU (0) nor CUDA (1)");
}

void set_autocast_enabled(c10::DeviceType d, bool on) {
#ifdef RC_AUTOCAST_PER_DEVICE
  at::autocast::set_autocast_enabled(d, on);
#else
  if (d == c10::DeviceType::CUDA) at::autocast::set_enabled(on); else at::autocast::set_cpu_enabled(on);
#endif
}

void set_autocast_dtype(c10::DeviceType d, at::ScalarType t) {
#ifdef RC_AUTOCAST_PER_DEVICE
  at::autocast::set_autocast_dtype(d, t);
#else
  if (d == c10::DeviceType::CUDA) at::autocast::set_autocast_gpu_dtype(t); else at::autocast::set_autocast_cpu_dtype(t);
#endif
}

}  // namespace

extern "C" {

int32_t rc_set_allow_tf32(int32_t cublas, int32_t cudnn) {
  return rc::guarded([&] {
    at::globalContext().setAllowTF32CuBLAS(cublas != 0);
    at::globalContext().setAllowTF32CuDNN(cudnn != 0);
  });
}

int32_t rc_get_allow_tf32(int32_t* cublas, int32_t* cudnn) {
  return rc::guarded([&] {
    *cublas = at::globalContext().allowTF32CuBLAS() ? 1 : 0;
    *cudnn = at::globalContext().allowTF32CuDNN() ? 1 : 0;
  });
}

int32_t rc_set_cudnn_benchmark(int32_t enabled) {
  return rc::guarded([&] { at::globalContext().setBenchmarkCuDNN(enabled != 0); });
}

int32_t rc_get_cudnn_benchmark(int32_t* enabled) {
  return rc::guarded([&] { *enabled = at::globalContext().benchmarkCuDNN() ? 1 : 0; });
}

int32_t rc_autocast_state(int32_t device_type, int32_t* enabled, int32_t* dtype) {
  return rc::guarded([&] {
    check_device(device_type);
    auto d = static_cast<c10::DeviceType>(device_type);
    *enabled = autocast_enabled(d) ? 1 : 0;
    *dtype = static_cast<int32_t>(autocast_dtype(d));
  });
}

int32_t rc_autocast_enter(int32_t device_type, int32_t enabled, int32_t dtype) {
  return rc::guarded([&] {
    check_device(device_type);
    auto t = rc::checked_scalar_type(dtype, "autocast: dtype");
    TORCH_CHECK(t == at::kBFloat16 || t == at::kHalf, "autocast: the dtype must be BFloat16 or Float16, got ", t);
    auto d = static_cast<c10::DeviceType>(device_type);
    at::autocast::increment_nesting();
    set_autocast_dtype(d, t);
    set_autocast_enabled(d, enabled != 0);
  });
}

int32_t rc_autocast_exit(int32_t device_type, int32_t previous_enabled, int32_t previous_dtype) {
  return rc::guarded([&] {
    check_device(device_type);
    auto d = static_cast<c10::DeviceType>(device_type);
    // As torch.autocast.__exit__: the cast weights are cached for the outermost scope only.
    if (at::autocast::decrement_nesting() == 0) at::autocast::clear_cache();
    set_autocast_enabled(d, previous_enabled != 0);
    set_autocast_dtype(d, rc::checked_scalar_type(previous_dtype, "autocast: previous dtype"));
  });
}

// Memory layout queries are methods, not dispatcher operators, so they get an entry of their own.
int32_t rc_tensor_is_contiguous(rc_tensor t, int32_t memory_format, int32_t* out) {
  return rc::guarded([&] {
    TORCH_CHECK(memory_format == 0 || memory_format == 2 || memory_format == 3,
                "is_contiguous: memory format ", memory_format, " is not Contiguous (0), ChannelsLast (2) or ChannelsLast3d (3)");
    *out = rc::unwrap(t).is_contiguous(static_cast<c10::MemoryFormat>(memory_format)) ? 1 : 0;
  });
}

// The layout libtorch reads from a tensor's strides (Tensor::suggest_memory_format): what cuDNN and TensorIterator follow.
int32_t rc_tensor_suggest_memory_format(rc_tensor t, int32_t* out) {
  return rc::guarded([&] { *out = static_cast<int32_t>(rc::unwrap(t).suggest_memory_format()); });
}

// x laid out in memory_format with exactly that format's strides. at::contiguous leaves a tensor whose size-1 dimensions
// make it contiguous in both formats (a one-channel image batch) with row-major strides, which cuDNN and TensorIterator
// then take for NCHW: a one-channel input would make a channels-last network's first convolution return NCHW maps.
int32_t rc_tensor_to_memory_format(rc_tensor t, int32_t memory_format, rc_tensor* out) {
  return rc::guarded([&] {
    TORCH_CHECK(memory_format == 0 || memory_format == 2 || memory_format == 3,
                "to memory format: ", memory_format, " is not Contiguous (0), ChannelsLast (2) or ChannelsLast3d (3)");
    const auto format = static_cast<c10::MemoryFormat>(memory_format);
    const auto& x = rc::unwrap(t);
    at::Tensor y = x.contiguous(format);
    if (y.suggest_memory_format() != format) y = x.clone(format);
    *out = rc::wrap(std::move(y));
  });
}

}  // extern "C"
