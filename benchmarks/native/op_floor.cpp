// The per-operator floor under RandCond: the same x + x on a float32 [4] tensor through
//   0: libtorch's C++ API (at::add, unboxed dispatch: the least any binding can do),
//   1: the dispatcher's boxed path (IValue stack, callBoxed),
//   2: RandCond's shim (rc_call plus freeing the result handle, as the C# side does).
// Run under callgrind by op_instructions.sh, which compares instruction counts with Python's `x + x`.
#include <ATen/ATen.h>
#include <ATen/Parallel.h>
#include <ATen/core/dispatch/Dispatcher.h>
#include <cstdlib>
#include "rc_api.h"

int main(int argc, char** argv) {
  if (argc != 3) return 2;
  int mode = std::atoi(argv[1]);
  int n = std::atoi(argv[2]);
  at::set_num_threads(1);
  at::Tensor x = at::ones({4});
  auto op = c10::Dispatcher::singleton().findSchemaOrThrow("aten::add", "Tensor");
  rc_op handle;
  if (rc_op_find("aten::add", "Tensor", &handle) != 0) return 3;
  rc_tensor xh = at::Tensor(x).unsafeReleaseTensorImpl();
  for (int i = 0; i < n; ++i) {
    if (mode == 0) {
      at::Tensor z = at::add(x, x);
    } else if (mode == 1) {
      torch::jit::Stack s;
      s.reserve(3);
      s.emplace_back(x);
      s.emplace_back(x);
      s.emplace_back(at::Scalar(1));
      op.callBoxed(&s);
    } else {
      rc_value args[2];
      args[0].tag = RC_TENSOR;
      args[0].len = 0;
      args[0].v.p = xh;
      args[1] = args[0];
      const rc_value* outs;
      int32_t nouts;
      if (rc_call(handle, args, 2, &outs, &nouts) != 0) return 4;
      rc_tensor_free(outs[0].v.p);
    }
  }
  rc_tensor_free(xh);
  return 0;
}
