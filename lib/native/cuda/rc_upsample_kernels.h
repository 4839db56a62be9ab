// Launchers of the nearest-neighbour upsampling kernels (rc_upsample_kernels.cu) on channels-last maps of n pixels-by-
// pixels images (h x w input pixels of `channels` values each), by an integer factor: every input pixel becomes a
// factor x factor square of copies, and the backward sums each square's gradients back into its pixel. Each returns a
// cudaError_t as the normalization launchers do (cudaErrorInvalidValue where upsample_fits says no).
#pragma once
#include <cstdint>

#include "rc_norm_kernels.h"

namespace rc::kernels {

// Whether the kernels take the shape: channels in runs of 8 (one 16-byte vector of 16-bit values, two of float32).
inline bool upsample_fits(int64_t channels, int64_t factor) { return channels > 0 && channels % 8 == 0 && factor >= 1 && factor <= 16; }

// y (n, h * factor, w * factor, channels) = each pixel of x (n, h, w, channels) copied factor x factor times; 16-byte
// aligned buffers.
int launch_upsample_nearest(NormDType dtype, const void* x, int64_t n, int64_t h, int64_t w, int64_t channels, int factor, void* y,
                            void* stream);

// dx (n, h, w, channels) = the sum over each pixel's factor x factor square of dy (n, h * factor, w * factor, channels), in
// float32, rows of the square in order and left to right within a row (libtorch's order), rounded once to dtype.
int launch_upsample_nearest_backward(NormDType dtype, const void* dy, int64_t n, int64_t h, int64_t w, int64_t channels, int factor,
                                     void* dx, void* stream);

}  // namespace rc::kernels
