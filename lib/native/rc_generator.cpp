#include <ATen/CPUGeneratorImpl.h>
#include <mutex>
#include "rc_checks.h"
#include "rc_errors.h"
#include "rc_generator.h"
#ifdef RC_WITH_CUDA
#include <ATen/cuda/CUDAGeneratorImpl.h>
#endif

extern "C" {

int32_t rc_generator_new(int32_t device_type, int32_t device_index, uint64_t seed, rc_generator* out) {
  return rc::guarded([&] {
    rc::checked_device(device_type, device_index, "generator: device");
    at::Generator g;
    if (device_type == static_cast<int32_t>(c10::DeviceType::CPU)) {
      g = at::detail::createCPUGenerator(seed);
    } else {
#ifdef RC_WITH_CUDA
      TORCH_CHECK(device_type == static_cast<int32_t>(c10::DeviceType::CUDA), "generators exist for cpu and cuda only");
      g = at::cuda::detail::createCUDAGenerator(static_cast<c10::DeviceIndex>(device_index));
      std::lock_guard<std::mutex> lock(g.mutex());
      g.set_current_seed(seed);
#else
      TORCH_CHECK(false, "this RandCond native build has no CUDA; build it against a CUDA libtorch");
#endif
    }
    *out = new at::Generator(std::move(g));
  });
}

void rc_generator_free(rc_generator g) { delete static_cast<at::Generator*>(g); }

int32_t rc_generator_set_seed(rc_generator g, uint64_t seed) {
  return rc::guarded([&] {
    at::Generator& gen = rc::unwrap_generator(g);
    std::lock_guard<std::mutex> lock(gen.mutex());
    gen.set_current_seed(seed);
  });
}

}  // extern "C"
