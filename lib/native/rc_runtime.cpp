// Process-wide runtime: seeds, threads, version, CUDA queries.
#include <ATen/Parallel.h>
#include <ATen/core/Generator.h>
#include <torch/cuda.h>
#include <torch/version.h>
#include <torch/utils.h>
#include "rc_errors.h"
#ifdef RC_WITH_CUDA
#include <c10/cuda/CUDACachingAllocator.h>
#include <c10/cuda/CUDAFunctions.h>
#include <cuda_runtime_api.h>
#endif

extern "C" {

int32_t rc_manual_seed(uint64_t seed) {
  return rc::guarded([&] { torch::manual_seed(seed); });
}

int32_t rc_set_num_threads(int32_t n) {
  return rc::guarded([&] { at::set_num_threads(n); });
}

int32_t rc_get_num_threads(void) { return at::get_num_threads(); }

const char* rc_torch_version(void) { return TORCH_VERSION; }

int32_t rc_built_with_cuda(void) {
#ifdef RC_WITH_CUDA
  return 1;
#else
  return 0;
#endif
}

int32_t rc_cuda_is_available(void) { return torch::cuda::is_available() ? 1 : 0; }

int32_t rc_cuda_device_count(void) { return static_cast<int32_t>(torch::cuda::device_count()); }

int32_t rc_cuda_synchronize(int32_t device_index) {
  return rc::guarded([&] { torch::cuda::synchronize(device_index); });
}

int32_t rc_cuda_memory_stats(int32_t device_index, int64_t* stats) {
  return rc::guarded([&] {
#ifdef RC_WITH_CUDA
    auto s = c10::cuda::CUDACachingAllocator::getDeviceStats(device_index);
    const size_t all = 0;  // StatType::AGGREGATE; its namespace moved between libtorch versions
    stats[0] = s.allocated_bytes[all].current;
    stats[1] = s.allocated_bytes[all].peak;
    stats[2] = s.reserved_bytes[all].current;
#else
    (void)device_index;
    stats[0] = stats[1] = stats[2] = 0;
    TORCH_CHECK(false, "this RandCond native build has no CUDA");
#endif
  });
}

int32_t rc_cuda_empty_cache(void) {
  return rc::guarded([&] {
#ifdef RC_WITH_CUDA
    c10::cuda::CUDACachingAllocator::emptyCache();
#endif
  });
}

int32_t rc_cuda_device_name(int32_t device_index, const char** out) {
  static thread_local std::string name;
  return rc::guarded([&] {
#ifdef RC_WITH_CUDA
    cudaDeviceProp prop;
    TORCH_CHECK(cudaGetDeviceProperties(&prop, device_index) == cudaSuccess, "cudaGetDeviceProperties failed");
    name = prop.name;
#else
    (void)device_index;
    name = "cpu";
#endif
    *out = name.c_str();
  });
}

}  // extern "C"
