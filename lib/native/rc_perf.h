// What other parts of the shim need from the performance switches (rc_perf.cpp).
#pragma once
#include <c10/core/DeviceType.h>
#include <c10/core/ScalarType.h>

namespace rc {
// Whether autocast is on for this device type in the calling thread, and the dtype it casts to there.
bool autocast_enabled(c10::DeviceType d);
at::ScalarType autocast_dtype(c10::DeviceType d);
}  // namespace rc
