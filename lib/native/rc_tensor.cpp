#include <atomic>
#include <cstring>
#include <sstream>
#include "rc_checks.h"
#include "rc_errors.h"
#include "rc_tensor.h"

namespace rc {
static std::atomic<int64_t> live{0};

rc_tensor wrap(at::Tensor t) {
  live.fetch_add(1, std::memory_order_relaxed);
  return t.unsafeReleaseTensorImpl();
}
}  // namespace rc

using rc::unwrap;

extern "C" {

void rc_tensor_free(rc_tensor t) {
  if (t == nullptr) return;
  // Reclaiming the released reference and letting it go drops it.
  (void)c10::intrusive_ptr<c10::TensorImpl, c10::UndefinedTensorImpl>::reclaim(static_cast<c10::TensorImpl*>(t));
  rc::live.fetch_sub(1, std::memory_order_relaxed);
}

int64_t rc_live_tensors(void) { return rc::live.load(); }

int32_t rc_tensor_clone_handle(rc_tensor t, rc_tensor* out) {
  return rc::guarded([&] { *out = rc::wrap(unwrap(t)); });
}

int32_t rc_tensor_meta(rc_tensor t, int64_t* meta, int64_t* shape, int32_t cap) {
  return rc::guarded([&] {
    const at::Tensor x = unwrap(t);
    if (!x.defined()) {
      std::memset(meta, 0, 8 * sizeof(int64_t));
      return;
    }
    int64_t ndim = x.dim();
    meta[0] = ndim;
    meta[1] = static_cast<int64_t>(x.scalar_type());
    meta[2] = static_cast<int64_t>(x.device().type());
    meta[3] = x.device().index() < 0 ? 0 : x.device().index();
    meta[4] = x.requires_grad();
    meta[5] = x.numel();
    meta[6] = x.is_leaf();
    meta[7] = 1;
    auto sizes = x.sizes();
    for (int64_t i = 0; i < ndim && i < cap; ++i) shape[i] = sizes[i];
  });
}

int32_t rc_tensor_from_data(const void* data, int32_t dtype, const int64_t* shape, int32_t ndim,
                            int32_t device_type, int32_t device_index, rc_tensor* out) {
  return rc::guarded([&] {
    auto options = at::TensorOptions().dtype(rc::checked_scalar_type(dtype, "from_data: dtype"));
    at::Device device = rc::checked_device(device_type, device_index, "from_data: device");
    at::Tensor host = at::empty(at::IntArrayRef(shape, ndim), options);
    if (host.numel() > 0) std::memcpy(host.data_ptr(), data, host.numel() * host.element_size());
    *out = rc::wrap(device.is_cpu() ? host : host.to(device));
  });
}

int32_t rc_tensor_to_host(rc_tensor t, void* dst, int64_t nbytes) {
  return rc::guarded([&] {
    at::Tensor x = unwrap(t).detach().to(at::kCPU).contiguous();
    int64_t expected = x.numel() * static_cast<int64_t>(x.element_size());
    TORCH_CHECK(expected == nbytes, "to_host: tensor holds ", expected, " bytes but the buffer has ", nbytes);
    if (nbytes > 0) std::memcpy(dst, x.data_ptr(), nbytes);
  });
}

int32_t rc_tensor_item(rc_tensor t, double* out) {
  return rc::guarded([&] { *out = unwrap(t).item<double>(); });
}

int32_t rc_tensor_to_string(rc_tensor t, const char** out) {
  static thread_local std::string text;
  return rc::guarded([&] {
    std::ostringstream s;
    s << unwrap(t);
    text = s.str();
    *out = text.c_str();
  });
}

}  // extern "C"
