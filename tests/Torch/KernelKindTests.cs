using RandCond.Tensors;
using Xunit;

namespace RandCond.Tests.Tensors;

public class KernelKindTests
{
    [Theory]
    [InlineData("void at::native::(anonymous namespace)::RowwiseMomentsCUDAKernel<float>(long, float, float const*, float*, float*)", KernelKind.Normalization)]
    [InlineData("void rc::group_norm_kernel<__nv_bfloat16, true>(...)", KernelKind.Normalization)]
    [InlineData("triton_per_fused_native_group_norm_silu_12", KernelKind.Normalization)]
    [InlineData("void at::native::(anonymous namespace)::cunn_SoftMaxForward<4, float, float, float, at::native::(anonymous namespace)::SoftMaxForwardEpilogue>", KernelKind.Attention)]
    [InlineData("sm90_xmma_fprop_implicit_gemm_bf16bf16_bf16f32_f32_nhwckrsc_nhwc_tilesize128x128x64", KernelKind.Convolution)]
    [InlineData("void cudnn::engines_precompiled::nchwToNhwcKernel<float, float, float, false, true>", KernelKind.Copy)]
    [InlineData("nvjet_hsh_128x64_64x4_1x2_h_bz_coopA_NNT", KernelKind.Matmul)]
    [InlineData("void cutlass::Kernel2<cutlass_80_tensorop_s1688gemm_64x64_16x6_tn_align4>(...)", KernelKind.Matmul)]
    [InlineData("void at::native::(anonymous namespace)::multi_tensor_apply_kernel<at::native::(anonymous namespace)::TensorListMetadata<2>, ...>", KernelKind.Optimizer)]
    [InlineData("triton_poi_fused_add_mul_silu_3", KernelKind.Fused)]
    [InlineData("void at::native::vectorized_elementwise_kernel<4, at::native::(anonymous namespace)::direct_copy_kernel_cuda(at::TensorIteratorBase&)::{lambda()#3}::operator()() const::{lambda(float)#1}, ...>", KernelKind.Copy)]
    [InlineData("void at::native::reduce_kernel<512, 1, at::native::ReduceOp<float, at::native::MeanOps<float, float, float, float>, unsigned int, float, 4> >", KernelKind.Reduction)]
    [InlineData("void at::native::vectorized_elementwise_kernel<4, at::native::CUDAFunctor_add<float>, at::detail::Array<char*, 3> >", KernelKind.Elementwise)]
    [InlineData("void at::native::elementwise_kernel<128, 2, at::native::gpu_kernel_impl_nocast<at::native::BinaryFunctor<float, float, float, at::native::binary_internal::MulFunctor<float> > >", KernelKind.Elementwise)]
    [InlineData("some_unknown_kernel", KernelKind.Other)]
    public void A_kernel_is_classified_by_what_its_name_says_it_does(string name, string kind) =>
        Assert.Equal(kind, KernelKind.Of(name));

    [Fact]
    public void Kinds_sum_their_kernels_and_their_shares_add_up_to_one()
    {
        var trace = new KernelTrace(10.0, 6,
        [
            new("nvjet_hsh_128x64", 4.0, 2),
            new("sm90_xmma_fprop_implicit_gemm", 3.0, 1),
            new("cutlass::Kernel2<gemm>", 2.0, 2),
            new("void at::native::vectorized_elementwise_kernel<4, at::native::CUDAFunctor_add<float>>", 1.0, 1),
        ]);
        var kinds = trace.ByKind();
        Assert.Equal([KernelKind.Matmul, KernelKind.Convolution, KernelKind.Elementwise], kinds.Select(k => k.Name));
        Assert.Equal(6.0, kinds[0].Ms, 9);
        Assert.Equal(4, kinds[0].Calls);
        Assert.Equal(1.0, kinds.Sum(k => k.Share), 9);
    }
}
