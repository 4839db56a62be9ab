// CUDA graphs: capture the kernels a sequence of operators launches once, then replay them with one launch. The capture
// runs on the current stream's capture lane (rc_streams.h; CUDA cannot capture the legacy default stream), in
// thread-local mode so that another thread (e.g. the .NET finalizer releasing tensors) is not mistaken for part of the
// capture. Autocast's cache of cast weights is off while capturing (as torch.cuda.make_graphed_callables demands): a cast
// cached before the capture would be read by the graph and then freed when the autocast scope ends, so every replay would
// read released memory.
#include "rc_errors.h"
#ifdef RC_WITH_CUDA
#include <ATen/autocast_mode.h>
#include <ATen/cuda/CUDAContext.h>
#include <ATen/cuda/CUDAGraph.h>
#include <c10/cuda/CUDAGuard.h>
#include <cuda_runtime_api.h>
#include <optional>
#include "rc_streams.h"

namespace {
struct Graph {
  at::cuda::CUDAGraph graph;
  std::optional<c10::cuda::CUDAStreamGuard> capturing;
  bool autocast_cache_was_enabled = true;
};

void end_capture_state(Graph* graph) {
  graph->capturing.reset();
  at::autocast::set_autocast_cache_enabled(graph->autocast_cache_was_enabled);
}
Graph* as_graph(void* g) {
  TORCH_CHECK(g != nullptr, "CUDA graph: null handle");
  return static_cast<Graph*>(g);
}
}  // namespace

extern "C" {

int32_t rc_cuda_graph_new(void** out) {
  return rc::guarded([&] { *out = new Graph(); });
}

int32_t rc_cuda_graph_capture_begin(void* g, int32_t device_index) {
  return rc::guarded([&] {
    auto* graph = as_graph(g);
    TORCH_CHECK(!graph->capturing, "CUDA graph: a capture is already in progress");
    c10::cuda::set_device(static_cast<c10::DeviceIndex>(device_index));
    // Work queued before the capture must not become part of it, nor race with it.
    C10_CUDA_CHECK(cudaDeviceSynchronize());
    graph->autocast_cache_was_enabled = at::autocast::is_autocast_cache_enabled();
    at::autocast::clear_cache();
    at::autocast::set_autocast_cache_enabled(false);
    graph->capturing.emplace(rc::streams::lane_of(at::cuda::getCurrentCUDAStream(static_cast<c10::DeviceIndex>(device_index)), rc::streams::kCaptureLane));
    try {
      graph->graph.capture_begin({0, 0}, cudaStreamCaptureModeThreadLocal);
    } catch (...) {
      end_capture_state(graph);
      throw;
    }
  });
}

int32_t rc_cuda_graph_capture_end(void* g) {
  return rc::guarded([&] {
    auto* graph = as_graph(g);
    TORCH_CHECK(graph->capturing, "CUDA graph: no capture in progress");
    try {
      graph->graph.capture_end();
    } catch (...) {
      end_capture_state(graph);
      throw;
    }
    end_capture_state(graph);
    C10_CUDA_CHECK(cudaDeviceSynchronize());
  });
}

int32_t rc_cuda_graph_replay(void* g) {
  return rc::guarded([&] {
    auto* graph = as_graph(g);
    TORCH_CHECK(!graph->capturing, "CUDA graph: replay during its own capture");
    graph->graph.replay();
  });
}

void rc_cuda_graph_free(void* g) {
  auto* graph = static_cast<Graph*>(g);
  if (graph == nullptr) return;
  try {
    delete graph;
  } catch (...) {
  }
}
}

#else

namespace {
int32_t no_cuda() {
  return rc::guarded([] { TORCH_CHECK(false, "CUDA graphs need a CUDA build of the native library (this one is CPU-only)"); });
}
}  // namespace

extern "C" {
int32_t rc_cuda_graph_new(void** out) {
  *out = nullptr;
  return no_cuda();
}
int32_t rc_cuda_graph_capture_begin(void*, int32_t) { return no_cuda(); }
int32_t rc_cuda_graph_capture_end(void*) { return no_cuda(); }
int32_t rc_cuda_graph_replay(void*) { return no_cuda(); }
void rc_cuda_graph_free(void*) {}
}
#endif
