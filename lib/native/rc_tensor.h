// Owned tensor handles: an rc_tensor is a TensorImpl* holding one reference (no extra allocation),
// counted in a live-handle counter.
#pragma once
#include <ATen/ATen.h>
#include "rc_api.h"

namespace rc {
rc_tensor wrap(at::Tensor t);
// A new reference to the handle's tensor; the handle keeps its own.
inline at::Tensor unwrap(rc_tensor t) {
  TORCH_CHECK(t != nullptr, "null tensor handle");
  return at::Tensor(c10::intrusive_ptr<c10::TensorImpl, c10::UndefinedTensorImpl>::reclaim_copy(
      static_cast<c10::TensorImpl*>(t)));
}
}  // namespace rc
