// RandCond native shim: a small C ABI over libtorch. Every function returns 0 on success and a non-zero
// status on failure; rc_last_error() then holds the message (thread-local, valid until the next call).
#pragma once
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define RC_EXPORT __attribute__((visibility("default")))

typedef void* rc_tensor;   // an owned reference to a c10::TensorImpl
typedef void* rc_op;       // a c10::OperatorHandle*, cached for the process lifetime
typedef void* rc_generator;

// Argument and result tags. A scalar argument is passed as RC_INT, RC_DOUBLE or RC_BOOL and converted
// by the shim to what the operator's schema asks for.
enum rc_tag {
  RC_NONE = 0,
  RC_TENSOR = 1,       // v.p = rc_tensor
  RC_TENSOR_LIST = 2,  // v.p = rc_tensor*, len entries (null entries allowed for Tensor?[])
  RC_INT = 3,          // v.i
  RC_INT_LIST = 4,     // v.p = int64_t*, len entries
  RC_DOUBLE = 5,       // v.d
  RC_DOUBLE_LIST = 6,  // v.p = double*, len entries
  RC_BOOL = 7,         // v.i (0/1)
  RC_STRING = 8,       // v.p = UTF-8, NUL-terminated
  RC_DEVICE = 9,       // v.i = c10::DeviceType, len = device index
  RC_GENERATOR = 10,   // v.p = rc_generator
  RC_BOOL_LIST = 11,   // v.p = uint8_t*, len entries
};

typedef struct {
  int32_t tag;
  int32_t len;
  union {
    int64_t i;
    double d;
    void* p;
  } v;
} rc_value;

// errors
RC_EXPORT const char* rc_last_error(void);

// operators
RC_EXPORT int32_t rc_op_find(const char* name, const char* overload, rc_op* out);
RC_EXPORT int32_t rc_op_exists(const char* name, const char* overload);
RC_EXPORT const char* rc_op_schema(rc_op op);
// Runs op with the first nargs schema arguments; the rest take their schema defaults. On success *outs points to a thread-local
// array of *nouts results, valid until the next rc_call on this thread. A tensor-list result appears as
// an RC_TENSOR_LIST entry with len = n followed by n RC_TENSOR entries. Result tensors are owned by the caller.
RC_EXPORT int32_t rc_call(rc_op op, const rc_value* args, int32_t nargs, const rc_value** outs, int32_t* nouts);

// tensor lifetime, metadata, host data
RC_EXPORT void rc_tensor_free(rc_tensor t);
RC_EXPORT int64_t rc_live_tensors(void);
RC_EXPORT int32_t rc_tensor_clone_handle(rc_tensor t, rc_tensor* out);
// meta: [0] ndim, [1] dtype (c10::ScalarType), [2] device type, [3] device index, [4] requires_grad,
// [5] numel, [6] is_leaf, [7] defined; shape goes to shape[0..min(ndim, cap)).
RC_EXPORT int32_t rc_tensor_meta(rc_tensor t, int64_t* meta, int64_t* shape, int32_t cap);
RC_EXPORT int32_t rc_tensor_from_data(const void* data, int32_t dtype, const int64_t* shape, int32_t ndim,
                                      int32_t device_type, int32_t device_index, rc_tensor* out);
RC_EXPORT int32_t rc_tensor_to_host(rc_tensor t, void* dst, int64_t nbytes);
RC_EXPORT int32_t rc_tensor_item(rc_tensor t, double* out);
RC_EXPORT int32_t rc_tensor_to_string(rc_tensor t, const char** out);

// autograd
RC_EXPORT int32_t rc_set_requires_grad(rc_tensor t, int32_t requires_grad);
RC_EXPORT int32_t rc_tensor_grad(rc_tensor t, rc_tensor* out);  // *out = null when no grad
RC_EXPORT int32_t rc_tensor_set_grad(rc_tensor t, rc_tensor grad);  // grad may be null
RC_EXPORT int32_t rc_backward(const rc_tensor* outputs, const rc_tensor* grad_outputs, int32_t n,
                              int32_t retain_graph, int32_t create_graph);
RC_EXPORT int32_t rc_grad(const rc_tensor* outputs, const rc_tensor* grad_outputs, int32_t nout,
                          const rc_tensor* inputs, int32_t nin, int32_t retain_graph, int32_t create_graph,
                          int32_t allow_unused, rc_tensor* results);
RC_EXPORT int32_t rc_grad_enabled(void);
RC_EXPORT void rc_set_grad_enabled(int32_t enabled);

// runtime: seeds, generators, threads, devices
RC_EXPORT int32_t rc_manual_seed(uint64_t seed);
RC_EXPORT int32_t rc_generator_new(int32_t device_type, int32_t device_index, uint64_t seed, rc_generator* out);
RC_EXPORT void rc_generator_free(rc_generator g);
RC_EXPORT int32_t rc_generator_set_seed(rc_generator g, uint64_t seed);
RC_EXPORT int32_t rc_set_num_threads(int32_t n);
RC_EXPORT int32_t rc_get_num_threads(void);
RC_EXPORT const char* rc_torch_version(void);
RC_EXPORT int32_t rc_built_with_cuda(void);
RC_EXPORT int32_t rc_cuda_is_available(void);
RC_EXPORT int32_t rc_cuda_device_count(void);
RC_EXPORT int32_t rc_cuda_synchronize(int32_t device_index);
// stats: [0] allocated bytes now, [1] peak allocated, [2] reserved bytes now
RC_EXPORT int32_t rc_cuda_memory_stats(int32_t device_index, int64_t* stats);
RC_EXPORT int32_t rc_cuda_empty_cache(void);
RC_EXPORT int32_t rc_cuda_device_name(int32_t device_index, const char** out);

// host memory (rc_host_memory.cpp): the malloc policy applied when the shim loaded (state 1: freed blocks retained,
// 0: glibc's defaults, -1: glibc refused it, -2: RANDCOND_HOST_MEMORY unknown) and its thresholds; this process's page faults.
RC_EXPORT int32_t rc_host_memory_policy(int32_t* state, int64_t* mmap_threshold, int64_t* trim_threshold);
RC_EXPORT int32_t rc_host_page_faults(int64_t* minor, int64_t* major);

// BLAS threads (rc_blas_threads.cpp): kind -1 when the BLAS is not OpenBLAS, else OpenBLAS's build (0 sequential,
// 1 pthreads, 2 OpenMP); its threads; pinned 1 when the shim set a pthread OpenBLAS to one thread at load.
RC_EXPORT int32_t rc_blas_threads(int32_t* kind, int32_t* threads, int32_t* pinned);
RC_EXPORT int32_t rc_set_blas_threads(int32_t threads);

// CUDA graphs (rc_graph.cpp): capture on a side stream between begin and end, then replay; CPU builds report an error.
RC_EXPORT int32_t rc_cuda_graph_new(void** out);
RC_EXPORT int32_t rc_cuda_graph_capture_begin(void* graph, int32_t device_index);
RC_EXPORT int32_t rc_cuda_graph_capture_end(void* graph);
RC_EXPORT int32_t rc_cuda_graph_replay(void* graph);
RC_EXPORT void rc_cuda_graph_free(void* graph);

// stream forks (rc_stream_fork.cpp): fork makes a lane (0..3) of the current stream, a side stream of its own, wait for
// it; between enter and leave this thread's kernels go to the side stream; join makes the forked-from stream wait for it.
RC_EXPORT int32_t rc_stream_fork(int32_t device_index, int32_t lane, void** fork);
RC_EXPORT int32_t rc_stream_enter(void* fork);
RC_EXPORT int32_t rc_stream_leave(void* fork);
RC_EXPORT int32_t rc_stream_join(void* fork);

// performance switches (rc_perf.cpp): TF32 for float32 cuBLAS matmuls and cuDNN convolutions (process-wide),
// autocast (thread-local): enter saves nothing, so the caller passes the state read by rc_autocast_state to exit.
RC_EXPORT int32_t rc_set_allow_tf32(int32_t cublas, int32_t cudnn);
RC_EXPORT int32_t rc_get_allow_tf32(int32_t* cublas, int32_t* cudnn);
RC_EXPORT int32_t rc_set_cudnn_benchmark(int32_t enabled);
RC_EXPORT int32_t rc_get_cudnn_benchmark(int32_t* enabled);
RC_EXPORT int32_t rc_autocast_state(int32_t device_type, int32_t* enabled, int32_t* dtype);
RC_EXPORT int32_t rc_autocast_enter(int32_t device_type, int32_t enabled, int32_t dtype);
RC_EXPORT int32_t rc_autocast_exit(int32_t device_type, int32_t previous_enabled, int32_t previous_dtype);
RC_EXPORT int32_t rc_tensor_is_contiguous(rc_tensor t, int32_t memory_format, int32_t* out);
RC_EXPORT int32_t rc_tensor_suggest_memory_format(rc_tensor t, int32_t* out);
// x in memory_format with that format's strides exactly, also where size-1 dimensions leave at::contiguous a no-op.
RC_EXPORT int32_t rc_tensor_to_memory_format(rc_tensor t, int32_t memory_format, rc_tensor* out);

// normalizations (rc_norms.cpp, rc_norm_training.cpp): GroupNorm of x + shift (shift: (N, C), added per sample and
// channel; may be null), then SiLU when silu != 0, and LayerNorm over the last dimension, as at::group_norm /
// at::layer_norm (weight and bias may be null); on CUDA, inference calls (nothing that needs autograd, autocast off,
// contiguous or channels-last, one float dtype throughout) run as one fused kernel where the shim was built with them.
// Calls that need autograd run as rc_set_norm_training chose for the process: 0 libtorch's operators (the default),
// 1 the fused kernels with their backward where they apply, 2 the kernels' algebra as ATen operators (any device).
// low_precision_output != 0 says the output only feeds operations that autocast runs in its dtype (convolutions,
// linears): under autocast the fused paths then return it in that dtype, rounded as those would round it.
RC_EXPORT int32_t rc_group_norm(rc_tensor x, int64_t groups, rc_tensor weight, rc_tensor bias, rc_tensor shift, double eps, int32_t silu,
                                int32_t low_precision_output, rc_tensor* out);
RC_EXPORT int32_t rc_layer_norm(rc_tensor x, rc_tensor weight, rc_tensor bias, double eps, int32_t low_precision_output, rc_tensor* out);
RC_EXPORT int32_t rc_fused_norm_kernels(void);
RC_EXPORT int32_t rc_set_norm_training(int32_t path);
RC_EXPORT int32_t rc_get_norm_training(int32_t* path);
// Whether the fused GroupNorm takes its channels-last vector kernel where the shape allows (1, the default) or its general
// kernel (0), for the process: for benchmarks and checks that compare the two. Fails where the shim has no kernels.
RC_EXPORT int32_t rc_set_channels_last_norm_kernel(int32_t vector);
RC_EXPORT int32_t rc_get_channels_last_norm_kernel(int32_t* vector);
// The vector kernel's split of a channels-last GroupNorm (x_bytes: the input's bytes per value): channels per block and
// threads per block, or 0 and 0 where the shape takes the general kernel. Pure arithmetic, on any build.
RC_EXPORT int32_t rc_channels_last_norm_plan(int64_t channels, int64_t hw, int64_t groups, int32_t x_bytes, int32_t* slab, int32_t* threads);

// the mean squared error (rc_squared_error.cpp): mean((input - target)^2) as at::mse_loss; on CUDA where nothing needs
// autograd or the training path (rc_set_norm_training) is the fused kernels', one kernel each way that reads both in
// their own dtypes and returns float32 (under autocast, or where the inputs promote to float32); path 2, its formulas
// as ATen operators. Mixed dtypes outside autocast are promoted, as torch.nn.functional.mse_loss does.
RC_EXPORT int32_t rc_mse_loss(rc_tensor input, rc_tensor target, rc_tensor* out);

// layers with a bias (rc_biased_layers.cpp): at::linear and at::conv2d (bias may be null), the bias's gradient as the
// column sums of the output's (one kernel pair) and a convolution's bias added by one kernel on CUDA where the training
// path (rc_set_norm_training) is the fused kernels' (or, for the convolution, nothing needs autograd); path 2, their
// formulas as ATen operators.
RC_EXPORT int32_t rc_linear(rc_tensor input, rc_tensor weight, rc_tensor bias, rc_tensor* out);
// rc_conv2d adds residual (may be null) to its output: in the bias kernel's pass where it has the output's layout and dtype.
RC_EXPORT int32_t rc_conv2d(rc_tensor input, rc_tensor weight, rc_tensor bias, rc_tensor residual, int64_t stride, int64_t padding, int64_t dilation,
                            int64_t groups, rc_tensor* out);

// nearest upsampling of a (N, C, H, W) map by an integer factor (rc_upsample.cpp): at::upsample_nearest2d; on CUDA, a
// channels-last map of a float dtype with channels in runs of 8 through one vector kernel each way where nothing needs
// autograd or the training path (rc_set_norm_training) is the fused kernels'; path 2, its formulas as ATen operators.
RC_EXPORT int32_t rc_upsample_nearest(rc_tensor input, int64_t factor, rc_tensor* out);

// profiling (rc_profiler.cpp): Kineto, as torch.profiler; stop saves a Chrome trace to trace_path (null: discards it).
RC_EXPORT int32_t rc_profiler_start(int32_t cuda);
RC_EXPORT int32_t rc_profiler_stop(const char* trace_path);

#ifdef __cplusplus
}
#endif
