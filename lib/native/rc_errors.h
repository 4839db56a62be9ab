// Catches every C++ exception at the ABI boundary and keeps its message for rc_last_error().
#pragma once
#include <c10/util/Exception.h>
#include <cstdint>
#include <string>
#include "rc_api.h"

namespace rc {
void set_error(std::string message);

template <typename F>
int32_t guarded(F&& body) {
  try {
    body();
    return 0;
  } catch (const c10::Error& e) {
    set_error(e.what_without_backtrace());
  } catch (const std::exception& e) {
    set_error(e.what());
  } catch (...) {
    set_error("unknown native exception");
  }
  return 1;
}
}  // namespace rc
