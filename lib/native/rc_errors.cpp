#include <c10/util/Exception.h>
#include "rc_api.h"
#include "rc_errors.h"

namespace rc {
static thread_local std::string last_error;
void set_error(std::string message) { last_error = std::move(message); }
}  // namespace rc

extern "C" const char* rc_last_error(void) { return rc::last_error.c_str(); }
