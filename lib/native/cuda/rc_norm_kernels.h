// Launchers of the fused normalization kernels (rc_norm_kernels.cu: forward, rc_norm_backward_kernels.cu: backward),
// callable from C++ compiled without nvcc. Tensors are raw contiguous buffers: x and shift (and their gradients) of
// x_dtype, y (and dy) of y_dtype, gamma and beta of p_dtype, a triple dtypes_supported accepts; gamma, beta and shift may
// be null (no affine transform, no shift); statistics and the weight gradients' partial sums are float32. Each returns a
// cudaError_t (0: launched; cudaErrorInvalidValue where the sizes or dtypes do not fit, which callers check first with
// *_fits and dtypes_supported).
#pragma once
#include <algorithm>
#include <cstdint>
#include <numeric>

namespace rc::kernels {

enum class NormDType : int { Float32 = 0, BFloat16 = 1, Float16 = 2 };

// Values a thread keeps in registers; a group (GroupNorm, 1024 threads) or a row (LayerNorm, one warp) must fit.
constexpr int kCachedValues = 8;
// The backward of GroupNorm sums per channel within a group in shared memory: at most this many channels per group.
constexpr int kMaxChannelsPerGroupBackward = 64;
// Blocks of the LayerNorm backward (each a grid-stride share of the rows): the rows of its weight-gradient partial sums.
constexpr int64_t kLayerNormBackwardBlocks = 256;
constexpr int kLayerNormWarpsPerBlock = 8;

// The dtypes of x (and shift), y, and gamma and beta the kernels take: one dtype throughout; or float32 parameters with a
// 16-bit x and a float32 y (how autocast runs group_norm and layer_norm), or with a 16-bit y and an x of y's dtype or
// float32 (the same, y rounded as the convolution or linear after it would round it).
inline bool dtypes_supported(NormDType x_dtype, NormDType y_dtype, NormDType p_dtype) {
  if (x_dtype == y_dtype && y_dtype == p_dtype) return true;
  if (p_dtype != NormDType::Float32) return false;
  if (y_dtype == NormDType::Float32) return x_dtype != NormDType::Float32;
  return x_dtype == y_dtype || x_dtype == NormDType::Float32;
}

inline bool group_norm_fits(int64_t channels, int64_t hw, int64_t groups) {
  return groups > 0 && channels % groups == 0 && channels / groups * hw <= 1024 * kCachedValues && channels * hw < (int64_t{1} << 31);
}

// The channels-last GroupNorm forward with vector loads (rc_group_norm_channels_last.cu): a block per (sample, slab of
// whole groups), each thread kChannelRun adjacent channels of at most runs_per_thread pixels: 4 of 16-bit values, 2 of
// float32 ones (16 registers either way, within the 64 a thread of a 1024-thread block has).
constexpr int kChannelRun = 8;
constexpr int kChannelsLastMaxThreads = 1024, kChannelsLastMinThreads = 256;
constexpr int runs_per_thread(int x_bytes) { return x_bytes >= 4 ? 2 : 4; }

// slab channels per block (a multiple of kChannelRun and of the group's width, dividing channels) and pixel_threads
// threads per run of channels (a multiple of 32); slab 0 where the shape does not fit the kernel.
struct ChannelsLastPlan {
  int slab = 0, pixel_threads = 0;
  int threads() const { return slab / kChannelRun * pixel_threads; }
  explicit operator bool() const { return slab > 0; }
};

// The narrowest slab whose runs of one pixel fill a 32-byte sector (so that the block reads whole sectors) and that gives
// a block kMinThreads threads (so that the per-block work of the reductions pays), else the widest within the limit.
inline ChannelsLastPlan channels_last_plan(int64_t channels, int64_t hw, int64_t groups, int x_bytes) {
  if (groups <= 0 || channels % groups != 0 || channels % kChannelRun != 0 || hw <= 0) return {};
  const int64_t pixel_threads = (hw + runs_per_thread(x_bytes) - 1) / runs_per_thread(x_bytes);
  const int64_t rounded = (pixel_threads + 31) / 32 * 32;
  const int64_t step = std::lcm(channels / groups, static_cast<int64_t>(kChannelRun));
  ChannelsLastPlan plan;
  for (int64_t slab = step; slab <= channels && slab / kChannelRun * rounded <= kChannelsLastMaxThreads; slab += step) {
    if (channels % slab != 0) continue;
    plan = {static_cast<int>(slab), static_cast<int>(rounded)};
    if (slab * x_bytes >= 32 && plan.threads() >= kChannelsLastMinThreads) break;
  }
  return channels * hw < (int64_t{1} << 31) ? plan : ChannelsLastPlan{};
}

inline int dtype_bytes(NormDType t) { return t == NormDType::Float32 ? 4 : 2; }
inline bool aligned16(const void* p) { return reinterpret_cast<uintptr_t>(p) % 16 == 0; }

// The plan launch_group_norm takes the vector kernel with for a channels-last x (and shift, or null): empty unless the
// kernel is switched on, the shape has a plan and x and shift are 16-byte aligned (y, fresh from the allocator, is).
bool channels_last_kernel();
inline ChannelsLastPlan channels_last_kernel_plan(int64_t channels, int64_t hw, int64_t groups, NormDType x_dtype, const void* x,
                                                  const void* shift) {
  if (!channels_last_kernel() || !aligned16(x) || (shift != nullptr && !aligned16(shift))) return {};
  return channels_last_plan(channels, hw, groups, dtype_bytes(x_dtype));
}

inline bool group_norm_backward_fits(int64_t channels, int64_t hw, int64_t groups) {
  return group_norm_fits(channels, hw, groups) && channels / groups <= kMaxChannelsPerGroupBackward;
}

// The plan launch_group_norm_backward takes the channels-last vector kernel with: as the forward's, with the runs of the
// wider of x and dy in registers (dy and dx must be 16-byte aligned too; the training path makes dy so).
inline ChannelsLastPlan channels_last_backward_kernel_plan(int64_t channels, int64_t hw, int64_t groups, NormDType x_dtype,
                                                           NormDType y_dtype, const void* x, const void* shift) {
  if (!channels_last_kernel() || !aligned16(x) || (shift != nullptr && !aligned16(shift))) return {};
  return channels_last_plan(channels, hw, groups, std::max(dtype_bytes(x_dtype), dtype_bytes(y_dtype)));
}

// Whether launch_group_norm_backward takes this shape: the vector kernel's plan for a channels-last map, or the general
// kernel's bounds.
inline bool group_norm_backward_launchable(int64_t channels, int64_t hw, int64_t groups, bool channels_last, NormDType x_dtype,
                                           NormDType y_dtype, const void* x, const void* shift) {
  return (channels_last && channels_last_backward_kernel_plan(channels, hw, groups, x_dtype, y_dtype, x, shift)) ||
         group_norm_backward_fits(channels, hw, groups);
}

inline bool layer_norm_fits(int64_t cols) { return cols > 0 && cols <= 32 * kCachedValues; }

inline int64_t layer_norm_backward_blocks(int64_t rows) {
  return std::min(kLayerNormBackwardBlocks, (rows + kLayerNormWarpsPerBlock - 1) / kLayerNormWarpsPerBlock);
}

// Whether launch_group_norm may take the channels-last vector kernel (the default), process-wide: off, channels-last
// maps take the general kernel, which benchmarks and checks compare with it.
void set_channels_last_kernel(bool enabled);

// Runs the channels-last kernel for a plan of channels_last_plan (launch_group_norm's arguments otherwise); x, y and
// shift must be 16-byte aligned.
int launch_group_norm_channels_last(const ChannelsLastPlan& plan, NormDType x_dtype, NormDType y_dtype, NormDType p_dtype,
                                    const void* x, void* y, const void* gamma, const void* beta, const void* shift, int64_t n,
                                    int64_t channels, int64_t hw, int64_t groups, float eps, bool silu, float* mean, float* rstd,
                                    void* stream);

// x and y: (n, channels, hw) contiguous, or (n, hw, channels) when channels_last; shift (n, channels) or null is added
// to x first; normalized over each group of channels/groups channels, then y = gamma * x^ + beta per channel, then SiLU
// when silu is true. mean and rstd (n * groups float32 values, or both null) receive each group's statistics.
// Channels-last maps go to the vector kernel where channels_last_kernel_plan has a plan, others to the general one where
// group_norm_fits.
int launch_group_norm(NormDType x_dtype, NormDType y_dtype, NormDType p_dtype, const void* x, void* y, const void* gamma, const void* beta,
                      const void* shift, int64_t n, int64_t channels, int64_t hw, bool channels_last, int64_t groups,
                      float eps, bool silu, float* mean, float* rstd, void* stream);

// Runs the channels-last backward kernel for a plan of channels_last_backward_kernel_plan (launch_group_norm_backward's
// arguments otherwise); x, shift, dy and dx must be 16-byte aligned.
int launch_group_norm_backward_channels_last(const ChannelsLastPlan& plan, NormDType x_dtype, NormDType y_dtype, NormDType p_dtype,
                                             const void* x, const void* shift, const void* gamma, const void* beta, const float* mean,
                                             const float* rstd, const void* dy, void* dx, void* dshift, float* dgamma_n,
                                             float* dbeta_n, int64_t n, int64_t channels, int64_t hw, int64_t groups, bool silu,
                                             void* stream);

// The backward of launch_group_norm from its inputs, statistics and dy (laid out as x): dx (as x), dshift (n, channels;
// may be null), and per sample the weight gradients' partial sums dgamma_n and dbeta_n (n, channels, float32), whose sum
// over n is dgamma and dbeta. Channels-last maps go to the vector kernel where channels_last_backward_kernel_plan has a
// plan and dy and dx are aligned, others to the general one where group_norm_backward_fits.
int launch_group_norm_backward(NormDType x_dtype, NormDType y_dtype, NormDType p_dtype, const void* x, const void* shift, const void* gamma,
                               const void* beta, const float* mean, const float* rstd, const void* dy, void* dx, void* dshift,
                               float* dgamma_n, float* dbeta_n, int64_t n, int64_t channels, int64_t hw, bool channels_last,
                               int64_t groups, bool silu, void* stream);

// x and y: (rows, cols) contiguous; normalized over each row, then y = gamma * x^ + beta per column. mean and rstd
// (rows float32 values, or both null) receive each row's statistics.
int launch_layer_norm(NormDType x_dtype, NormDType y_dtype, NormDType p_dtype, const void* x, void* y, const void* gamma, const void* beta,
                      int64_t rows, int64_t cols, float eps, float* mean, float* rstd, void* stream);

// The backward of launch_layer_norm: dx (rows, cols), and the weight gradients' partial sums dgamma_b and dbeta_b
// (layer_norm_backward_blocks(rows), cols; float32), whose sum over the first dimension is dgamma and dbeta.
int launch_layer_norm_backward(NormDType x_dtype, NormDType y_dtype, NormDType p_dtype, const void* x, const void* gamma, const float* mean,
                               const float* rstd, const void* dy, void* dx, float* dgamma_b, float* dbeta_b, int64_t rows,
                               int64_t cols, void* stream);

}  // namespace rc::kernels
