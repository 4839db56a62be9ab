// Autograd entry points: requires-grad, .grad, backward, torch.autograd.grad, grad mode.
#include <torch/csrc/autograd/autograd.h>
#include <torch/csrc/autograd/grad_mode.h>
#include "rc_errors.h"
#include "rc_tensor.h"

namespace {
std::vector<at::Tensor> gather(const rc_tensor* handles, int32_t n, bool allow_null) {
  std::vector<at::Tensor> list;
  list.reserve(n);
  for (int32_t i = 0; i < n; ++i) {
    if (handles == nullptr || handles[i] == nullptr) {
      TORCH_CHECK(allow_null, "null tensor handle at position ", i);
      list.emplace_back();
    } else {
      list.push_back(rc::unwrap(handles[i]));
    }
  }
  return list;
}
}  // namespace

extern "C" {

int32_t rc_set_requires_grad(rc_tensor t, int32_t requires_grad) {
  return rc::guarded([&] { rc::unwrap(t).set_requires_grad(requires_grad != 0); });
}

int32_t rc_tensor_grad(rc_tensor t, rc_tensor* out) {
  return rc::guarded([&] {
    at::Tensor g = rc::unwrap(t).grad();
    *out = g.defined() ? rc::wrap(g) : nullptr;
  });
}

int32_t rc_tensor_set_grad(rc_tensor t, rc_tensor grad) {
  return rc::guarded([&] {
    if (grad == nullptr)
      rc::unwrap(t).mutable_grad().reset();
    else
      rc::unwrap(t).mutable_grad() = rc::unwrap(grad);
  });
}

int32_t rc_backward(const rc_tensor* outputs, const rc_tensor* grad_outputs, int32_t n, int32_t retain_graph,
                    int32_t create_graph) {
  return rc::guarded([&] {
    torch::autograd::backward(gather(outputs, n, false), gather(grad_outputs, n, true),
                              retain_graph ? c10::optional<bool>(true) : c10::nullopt, create_graph != 0);
  });
}

int32_t rc_grad(const rc_tensor* outputs, const rc_tensor* grad_outputs, int32_t nout, const rc_tensor* inputs,
                int32_t nin, int32_t retain_graph, int32_t create_graph, int32_t allow_unused, rc_tensor* results) {
  return rc::guarded([&] {
    auto grads = torch::autograd::grad(gather(outputs, nout, false), gather(inputs, nin, false),
                                       gather(grad_outputs, nout, true),
                                       retain_graph ? c10::optional<bool>(true) : c10::nullopt, create_graph != 0,
                                       allow_unused != 0);
    for (int32_t i = 0; i < nin; ++i) results[i] = grads[i].defined() ? rc::wrap(grads[i]) : nullptr;
  });
}

int32_t rc_grad_enabled(void) { return at::GradMode::is_enabled() ? 1 : 0; }

void rc_set_grad_enabled(int32_t enabled) { at::GradMode::set_enabled(enabled != 0); }

}  // extern "C"
