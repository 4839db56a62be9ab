// Range checks for enum values that cross the ABI as plain integers. libtorch keeps dtypes, layouts, memory
// formats and device types in int8_t enums and indexes tables with them, so an out-of-range code reads out of
// bounds (a crash or a hang) instead of failing; every entry point that takes one checks it here first.
#pragma once
#include <c10/core/Device.h>
#include <c10/core/Layout.h>
#include <c10/core/MemoryFormat.h>
#include <c10/core/ScalarType.h>
#include <c10/util/Exception.h>
#include <limits>
#include <string>

namespace rc {

// `what` names the argument in the message, e.g. "argument 1 'memory_format'".
inline c10::ScalarType checked_scalar_type(int64_t code, const std::string& what) {
  constexpr int64_t end = static_cast<int64_t>(c10::ScalarType::Undefined);
  TORCH_CHECK(code >= 0 && code < end, what, ": ", code, " is not a dtype code (c10::ScalarType runs from 0 to ", end - 1, ")");
  return static_cast<c10::ScalarType>(code);
}

inline c10::MemoryFormat checked_memory_format(int64_t code, const std::string& what) {
  constexpr int64_t end = static_cast<int64_t>(c10::MemoryFormat::NumOptions);
  TORCH_CHECK(code >= 0 && code < end, what, ": ", code, " is not a memory format code (c10::MemoryFormat runs from 0 to ", end - 1, ")");
  return static_cast<c10::MemoryFormat>(code);
}

inline c10::Layout checked_layout(int64_t code, const std::string& what) {
  constexpr int64_t end = static_cast<int64_t>(c10::Layout::NumOptions);
  TORCH_CHECK(code >= 0 && code < end, what, ": ", code, " is not a layout code (c10::Layout runs from 0 to ", end - 1, ")");
  return static_cast<c10::Layout>(code);
}

// c10::Device checks its index only in debug builds of libtorch, so the shim checks type and index itself.
inline c10::Device checked_device(int64_t type, int64_t index, const std::string& what) {
  constexpr int64_t end = static_cast<int64_t>(c10::DeviceType::COMPILE_TIME_MAX_DEVICE_TYPES);
  TORCH_CHECK(type >= 0 && type < end && c10::isValidDeviceType(static_cast<c10::DeviceType>(type)), what, ": ", type,
              " is not a device type code");
  constexpr int64_t max_index = std::numeric_limits<c10::DeviceIndex>::max();
  TORCH_CHECK(index >= -1 && index <= max_index, what, ": device index ", index, " is outside -1..", max_index);
  auto device_type = static_cast<c10::DeviceType>(type);
  TORCH_CHECK(device_type != c10::DeviceType::CPU || index <= 0, what, ": the CPU device has no index ", index);
  return c10::Device(device_type, static_cast<c10::DeviceIndex>(index));
}

}  // namespace rc
