// Nearest-neighbour upsampling of channels-last maps by an integer factor (rc_upsample_kernels.h). libtorch's NHWC kernel
// gives a thread one output value and recomputes its source from the output's index: on the U-Net's 64-channel bf16
// maps it moved about 0.4 TB/s. Here a thread takes one input pixel's run of 8 adjacent channels, read as one vector,
// and writes it to the factor x factor output pixels it becomes (the backward: reads their gradients' runs and writes
// one sum), so a warp reads and writes whole 32-byte sectors.
#include "rc_upsample_kernels.h"
#include "rc_norm_device.cuh"
#include "rc_vector_runs.cuh"

namespace {

using namespace rc::kernels::device;

constexpr int kThreads = 256;

// The first output value of input run r (of runs_per_pixel runs per pixel): the square's top-left pixel, the run's channels.
__device__ __forceinline__ int64_t square_origin(int64_t r, int runs_per_pixel, int64_t h, int64_t w, int factor) {
  const int64_t pixel = r / runs_per_pixel, col = pixel % w, row = pixel / w % h, image = pixel / (w * h);
  const int64_t channels = int64_t{runs_per_pixel} * kRunLength;
  return ((image * h + row) * factor * w * factor + col * factor) * channels + r % runs_per_pixel * kRunLength;
}

template <typename T>
__global__ void __launch_bounds__(kThreads) upsample_nearest_kernel(const T* __restrict__ x, int64_t runs, int runs_per_pixel, int64_t h,
                                                                    int64_t w, int factor, T* __restrict__ y) {
  const int64_t row_stride = w * factor * runs_per_pixel * kRunLength, pixel_stride = int64_t{runs_per_pixel} * kRunLength;
  const int64_t stride = static_cast<int64_t>(gridDim.x) * blockDim.x;
  for (int64_t r = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x; r < runs; r += stride) {
    Run<T> run;
    run.read(x + r * kRunLength);
    T* origin = y + square_origin(r, runs_per_pixel, h, w, factor);
    for (int dy = 0; dy < factor; ++dy)
      for (int dx = 0; dx < factor; ++dx) run.write(origin + dy * row_stride + dx * pixel_stride);
  }
}

template <typename T>
__global__ void __launch_bounds__(kThreads) upsample_nearest_backward_kernel(const T* __restrict__ dy, int64_t runs, int runs_per_pixel,
                                                                             int64_t h, int64_t w, int factor, T* __restrict__ dx) {
  const int64_t row_stride = w * factor * runs_per_pixel * kRunLength, pixel_stride = int64_t{runs_per_pixel} * kRunLength;
  const int64_t stride = static_cast<int64_t>(gridDim.x) * blockDim.x;
  for (int64_t r = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x; r < runs; r += stride) {
    const T* origin = dy + square_origin(r, runs_per_pixel, h, w, factor);
    float sum[kRunLength] = {};
    for (int i = 0; i < factor; ++i)
      for (int j = 0; j < factor; ++j) {
        Run<T> run;
        run.read(origin + i * row_stride + j * pixel_stride);
#pragma unroll
        for (int k = 0; k < kRunLength; ++k) sum[k] += run[k];
      }
    store_run(dx + r * kRunLength, sum);
  }
}

// Calls launch(T{}) with the C++ type of dtype.
template <typename Launch>
int dispatch_one(rc::kernels::NormDType dtype, Launch&& launch) {
  return dispatch_pair(dtype, dtype, [&](auto t, auto) { return launch(t); });
}

bool valid(int64_t n, int64_t h, int64_t w, int64_t channels, int factor, const void* in, const void* out) {
  return n > 0 && h > 0 && w > 0 && rc::kernels::upsample_fits(channels, factor) && rc::kernels::aligned16(in) && rc::kernels::aligned16(out);
}

unsigned blocks_for(int64_t runs) { return static_cast<unsigned>(std::clamp<int64_t>((runs + kThreads - 1) / kThreads, 1, 16 * 1024)); }

// The forward (in: x, out: y) or the backward (in: dy, out: dx) over the input's runs; both kernels take the same arguments.
template <bool Backward>
int launch(rc::kernels::NormDType dtype, const void* in, int64_t n, int64_t h, int64_t w, int64_t channels, int factor, void* out, void* stream) {
  if (!valid(n, h, w, channels, factor, in, out)) return static_cast<int>(cudaErrorInvalidValue);
  const int64_t runs = n * h * w * channels / kRunLength;
  return dispatch_one(dtype, [&](auto t) {
    using T = decltype(t);
    const auto kernel = Backward ? upsample_nearest_backward_kernel<T> : upsample_nearest_kernel<T>;
    kernel<<<blocks_for(runs), kThreads, 0, static_cast<cudaStream_t>(stream)>>>(static_cast<const T*>(in), runs, static_cast<int>(channels / kRunLength),
                                                                                 h, w, factor, static_cast<T*>(out));
    return static_cast<int>(cudaGetLastError());
  });
}

}  // namespace

namespace rc::kernels {

int launch_upsample_nearest(NormDType dtype, const void* x, int64_t n, int64_t h, int64_t w, int64_t channels, int factor, void* y,
                            void* stream) {
  return launch<false>(dtype, x, n, h, w, channels, factor, y, stream);
}

int launch_upsample_nearest_backward(NormDType dtype, const void* dy, int64_t n, int64_t h, int64_t w, int64_t channels, int factor,
                                     void* dx, void* stream) {
  return launch<true>(dtype, dy, n, h, w, channels, factor, dx, stream);
}

}  // namespace rc::kernels
