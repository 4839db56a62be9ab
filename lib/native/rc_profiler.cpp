// Kineto profiling, as torch.profiler does it: the operators the host runs and, on CUDA, the kernels the GPU runs
// (through CUPTI, so kernels replayed from a CUDA graph are seen too), saved as a Chrome trace.
#include <torch/csrc/autograd/profiler_kineto.h>
#include <set>
#include "rc_errors.h"

extern "C" {

int32_t rc_profiler_start(int32_t cuda) {
  return rc::guarded([&] {
    namespace impl = torch::profiler::impl;
    std::set<impl::ActivityType> activities{impl::ActivityType::CPU};
    if (cuda != 0) activities.insert(impl::ActivityType::CUDA);
    // Input shapes too, so that a trace of eager work says which operator (and on what) launched each kernel.
    const impl::ProfilerConfig config(impl::ProfilerState::KINETO, /*report_input_shapes=*/true);
    torch::autograd::profiler::prepareProfiler(config, activities);
    torch::autograd::profiler::enableProfiler(config, activities);
  });
}

int32_t rc_profiler_stop(const char* trace_path) {
  return rc::guarded([&] {
    auto result = torch::autograd::profiler::disableProfiler();
    TORCH_CHECK(result != nullptr, "profiler: no profile was running");
    if (trace_path != nullptr) result->save(trace_path);
  });
}

}  // extern "C"
