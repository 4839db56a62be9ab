// Random generators owned by the managed side (one per seeded stream).
#pragma once
#include <ATen/core/Generator.h>
#include "rc_api.h"

namespace rc {
inline at::Generator& unwrap_generator(rc_generator g) {
  TORCH_CHECK(g != nullptr, "null generator handle");
  return *static_cast<at::Generator*>(g);
}
}  // namespace rc
