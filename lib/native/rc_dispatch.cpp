// Boxed calls through the libtorch dispatcher: one entry point for every registered operator.
// Arguments are converted to IValues by the schema's declared type, so that one tag (say RC_INT) can
// fill an `int`, a `float`, a `Scalar`, a `ScalarType` or an `int[2]` argument as the schema asks.
#include <ATen/core/dispatch/Dispatcher.h>
#include <ATen/core/stack.h>
#include <mutex>
#include <sstream>
#include <string>
#include <unordered_map>
#include <vector>
#include "rc_checks.h"
#include "rc_errors.h"
#include "rc_generator.h"
#include "rc_tensor.h"

namespace {

const char* tag_name(int32_t tag) {
  switch (tag) {
    case RC_NONE: return "None";
    case RC_TENSOR: return "Tensor";
    case RC_TENSOR_LIST: return "Tensor[]";
    case RC_INT: return "int";
    case RC_INT_LIST: return "int[]";
    case RC_DOUBLE: return "float";
    case RC_DOUBLE_LIST: return "float[]";
    case RC_BOOL: return "bool";
    case RC_STRING: return "str";
    case RC_DEVICE: return "Device";
    case RC_GENERATOR: return "Generator";
    case RC_BOOL_LIST: return "bool[]";
    default: return "unknown tag";
  }
}

std::string describe(size_t index, const c10::Argument& arg) {
  std::ostringstream s;
  s << "argument " << index << " '" << arg.name() << "'";
  return s.str();
}

[[noreturn]] void mismatch(size_t index, const c10::Argument& arg, const rc_value& v) {
  TORCH_CHECK(false, describe(index, arg), " expects ", arg.real_type()->str(), " but got ", tag_name(v.tag));
}

bool is_int_like(c10::TypeKind k) {
  return k == c10::TypeKind::IntType || k == c10::TypeKind::SymIntType || k == c10::TypeKind::ScalarTypeType ||
         k == c10::TypeKind::LayoutType || k == c10::TypeKind::MemoryFormatType;
}

// An integer for an int-like schema type; enum codes are range-checked, since the dispatcher would cast
// them to int8_t enums unchecked.
int64_t checked_int(c10::TypeKind kind, int64_t value, size_t index, const c10::Argument& arg) {
  switch (kind) {
    case c10::TypeKind::ScalarTypeType: rc::checked_scalar_type(value, describe(index, arg)); break;
    case c10::TypeKind::LayoutType: rc::checked_layout(value, describe(index, arg)); break;
    case c10::TypeKind::MemoryFormatType: rc::checked_memory_format(value, describe(index, arg)); break;
    default: break;
  }
  return value;
}

std::vector<int64_t> int_list(c10::TypeKind kind, size_t index, const c10::Argument& arg, const rc_value& v) {
  auto p = static_cast<const int64_t*>(v.v.p);
  std::vector<int64_t> list(p, p + v.len);
  for (int64_t e : list) checked_int(kind, e, index, arg);
  return list;
}

at::Tensor tensor(const rc_tensor t, size_t index, const c10::Argument& arg) {
  TORCH_CHECK(t != nullptr, describe(index, arg), " is a null tensor handle");
  return rc::unwrap(t);
}

// `type` is the argument's real type (ScalarType, Layout, MemoryFormat, SymInt), not the int that the schema
// reports as its type() for them, so that enum codes can be range-checked.
c10::IValue to_ivalue(size_t index, const c10::Argument& arg, const c10::TypePtr& type, const rc_value& v) {
  c10::TypeKind kind = type->kind();
  if (kind == c10::TypeKind::OptionalType) {
    if (v.tag == RC_NONE) return c10::IValue();
    return to_ivalue(index, arg, type->expectRef<c10::OptionalType>().getElementType(), v);
  }
  switch (kind) {
    case c10::TypeKind::TensorType:
      if (v.tag == RC_TENSOR) return tensor(v.v.p, index, arg);
      break;
    case c10::TypeKind::FloatType:
      if (v.tag == RC_DOUBLE) return v.v.d;
      if (v.tag == RC_INT) return static_cast<double>(v.v.i);
      break;
    case c10::TypeKind::BoolType:
      if (v.tag == RC_BOOL) return v.v.i != 0;
      if (v.tag == RC_INT) {
        TORCH_CHECK(v.v.i == 0 || v.v.i == 1, describe(index, arg), " expects bool but got the int ", v.v.i,
                    " (only 0 and 1 stand for a bool)");
        return v.v.i != 0;
      }
      break;
    case c10::TypeKind::NumberType:
      if (v.tag == RC_DOUBLE) return at::Scalar(v.v.d);
      if (v.tag == RC_INT) return at::Scalar(v.v.i);
      if (v.tag == RC_BOOL) return at::Scalar(v.v.i != 0);
      break;
    case c10::TypeKind::StringType:
      if (v.tag == RC_STRING) return std::string(static_cast<const char*>(v.v.p));
      break;
    case c10::TypeKind::DeviceObjType:
      if (v.tag == RC_DEVICE) return rc::checked_device(v.v.i, v.len, describe(index, arg));
      break;
    case c10::TypeKind::GeneratorType:
      if (v.tag == RC_GENERATOR) return rc::unwrap_generator(v.v.p);
      break;
    case c10::TypeKind::ListType: {
      const c10::TypePtr& elem = type->expectRef<c10::ListType>().getElementType();
      c10::TypeKind ek = elem->kind();
      if (is_int_like(ek)) {
        if (v.tag == RC_INT_LIST) return int_list(ek, index, arg, v);
        if (v.tag == RC_INT) {  // `int[2] stride=1` style broadcast of one value
          size_t n = arg.N().value_or(1);
          return std::vector<int64_t>(n, checked_int(ek, v.v.i, index, arg));
        }
      } else if (ek == c10::TypeKind::FloatType && v.tag == RC_DOUBLE_LIST) {
        auto p = static_cast<const double*>(v.v.p);
        return std::vector<double>(p, p + v.len);
      } else if (ek == c10::TypeKind::BoolType && v.tag == RC_BOOL_LIST) {
        auto p = static_cast<const uint8_t*>(v.v.p);
        c10::List<bool> list;
        for (int32_t i = 0; i < v.len; ++i) list.push_back(p[i] != 0);
        return list;
      } else if (ek == c10::TypeKind::TensorType && v.tag == RC_TENSOR_LIST) {
        auto p = static_cast<const rc_tensor*>(v.v.p);
        std::vector<at::Tensor> list;
        list.reserve(v.len);
        for (int32_t i = 0; i < v.len; ++i) {
          TORCH_CHECK(p[i] != nullptr, describe(index, arg), " expects ", arg.real_type()->str(), " but element ", i,
                      " is None");
          list.push_back(rc::unwrap(p[i]));
        }
        return list;
      } else if (ek == c10::TypeKind::OptionalType && v.tag == RC_TENSOR_LIST) {
        auto p = static_cast<const rc_tensor*>(v.v.p);
        c10::List<c10::optional<at::Tensor>> list;
        for (int32_t i = 0; i < v.len; ++i)
          list.push_back(p[i] ? c10::optional<at::Tensor>(rc::unwrap(p[i])) : c10::nullopt);
        return list;
      }
      break;
    }
    default:
      if (is_int_like(kind) && v.tag == RC_INT) return checked_int(kind, v.v.i, index, arg);
      break;
  }
  mismatch(index, arg, v);
}

thread_local std::vector<rc_value> results;

void push_result(const c10::IValue& value) {
  rc_value r{};
  if (value.isTensor()) {
    const at::Tensor& t = value.toTensor();
    if (t.defined()) {
      r.tag = RC_TENSOR;
      r.v.p = rc::wrap(t);
    } else {
      r.tag = RC_NONE;
    }
    results.push_back(r);
  } else if (value.isTensorList()) {
    auto list = value.toTensorList();
    r.tag = RC_TENSOR_LIST;
    r.len = static_cast<int32_t>(list.size());
    results.push_back(r);
    for (const at::Tensor& t : list) push_result(t);
  } else if (value.isInt()) {
    r.tag = RC_INT;
    r.v.i = value.toInt();
    results.push_back(r);
  } else if (value.isDouble()) {
    r.tag = RC_DOUBLE;
    r.v.d = value.toDouble();
    results.push_back(r);
  } else if (value.isBool()) {
    r.tag = RC_BOOL;
    r.v.i = value.toBool();
    results.push_back(r);
  } else if (value.isNone()) {
    r.tag = RC_NONE;
    results.push_back(r);
  } else {
    TORCH_CHECK(false, "unsupported result type ", value.tagKind());
  }
}

}  // namespace

extern "C" {

int32_t rc_op_find(const char* name, const char* overload, rc_op* out) {
  // One handle per (name, overload) for the process lifetime, however often a caller asks.
  static std::mutex mutex;
  static std::unordered_map<std::string, c10::OperatorHandle*> handles;
  return rc::guarded([&] {
    std::string key = std::string(name) + '\0' + (overload ? overload : "");
    std::lock_guard<std::mutex> lock(mutex);
    auto found = handles.find(key);
    if (found != handles.end()) {
      *out = found->second;
      return;
    }
    auto handle = c10::Dispatcher::singleton().findSchema({name, overload ? overload : ""});
    TORCH_CHECK(handle.has_value(), "unknown operator ", name, (overload && *overload) ? "." : "",
                overload ? overload : "", " (not registered in this libtorch)");
    auto* owned = new c10::OperatorHandle(*handle);
    handles.emplace(std::move(key), owned);
    *out = owned;
  });
}

int32_t rc_op_exists(const char* name, const char* overload) {
  return c10::Dispatcher::singleton().findSchema({name, overload ? overload : ""}).has_value() ? 1 : 0;
}

const char* rc_op_schema(rc_op op) {
  static thread_local std::string text;
  std::ostringstream s;
  s << static_cast<c10::OperatorHandle*>(op)->schema();
  text = s.str();
  return text.c_str();
}

int32_t rc_call(rc_op opp, const rc_value* args, int32_t nargs, const rc_value** outs, int32_t* nouts) {
  return rc::guarded([&] {
    const c10::OperatorHandle& op = *static_cast<c10::OperatorHandle*>(opp);
    const auto& schema = op.schema();
    const auto& formals = schema.arguments();
    TORCH_CHECK(static_cast<size_t>(nargs) <= formals.size(), "expected at most ", formals.size(),
                " arguments but got ", nargs, "; schema: ", schema);
    torch::jit::Stack stack;
    stack.reserve(formals.size());
    for (int32_t i = 0; i < nargs; ++i) stack.push_back(to_ivalue(i, formals[i], formals[i].real_type(), args[i]));
    // Trailing arguments left out take the schema's defaults, so wrappers written for one libtorch keep
    // working where a later one appended keyword arguments (the dispatcher itself fills in nothing).
    for (size_t i = nargs; i < formals.size(); ++i) {
      TORCH_CHECK(formals[i].default_value().has_value(), "missing argument ", i, " '",
                  formals[i].name(), "' (it has no default); schema: ", schema);
      stack.push_back(*formals[i].default_value());
    }
    op.callBoxed(&stack);
    results.clear();
    try {
      for (const auto& value : stack) push_result(value);
    } catch (...) {  // a result type the ABI cannot carry: free the tensors already handed out
      for (const rc_value& r : results)
        if (r.tag == RC_TENSOR) rc_tensor_free(r.v.p);
      results.clear();
      throw;
    }
    *outs = results.data();
    *nouts = static_cast<int32_t>(results.size());
  });
}

}  // extern "C"
