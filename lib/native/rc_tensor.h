// Owned tensor handles: every rc_tensor is a heap at::Tensor counted in a live-handle counter.
#pragma once
#include <ATen/ATen.h>
#include "rc_api.h"

namespace rc {
rc_tensor wrap(at::Tensor t);
inline at::Tensor& unwrap(rc_tensor t) {
  TORCH_CHECK(t != nullptr, "null tensor handle");
  return *static_cast<at::Tensor*>(t);
}
}  // namespace rc
