namespace RandCond.Tensors;

/// <summary>The libtorch operators the typed API calls, resolved in the dispatcher on first use.</summary>
internal static class Aten
{
    // arithmetic
    internal static readonly OpHandle AddT = new("aten::add", "Tensor"), AddS = new("aten::add", "Scalar");
    internal static readonly OpHandle SubT = new("aten::sub", "Tensor"), SubS = new("aten::sub", "Scalar");
    internal static readonly OpHandle RsubS = new("aten::rsub", "Scalar");
    internal static readonly OpHandle MulT = new("aten::mul", "Tensor"), MulS = new("aten::mul", "Scalar");
    internal static readonly OpHandle DivT = new("aten::div", "Tensor"), DivS = new("aten::div", "Scalar");
    internal static readonly OpHandle PowS = new("aten::pow", "Tensor_Scalar"), PowT = new("aten::pow", "Tensor_Tensor");
    internal static readonly OpHandle Neg = new("aten::neg"), Remainder = new("aten::remainder", "Scalar");
    internal static readonly OpHandle AddInT = new("aten::add_", "Tensor"), AddInS = new("aten::add_", "Scalar");
    internal static readonly OpHandle SubInT = new("aten::sub_", "Tensor");
    internal static readonly OpHandle MulInT = new("aten::mul_", "Tensor"), MulInS = new("aten::mul_", "Scalar");
    internal static readonly OpHandle DivInS = new("aten::div_", "Scalar");
    internal static readonly OpHandle Copy = new("aten::copy_"), Zero = new("aten::zero_"), FillS = new("aten::fill_", "Scalar");
    internal static readonly OpHandle Addcmul = new("aten::addcmul"), LerpInS = new("aten::lerp_", "Scalar"), LerpInT = new("aten::lerp_", "Tensor");
    internal static readonly OpHandle ClampIn = new("aten::clamp_");
    internal static readonly OpHandle Matmul = new("aten::matmul"), Mm = new("aten::mm"), Bmm = new("aten::bmm");
    internal static readonly OpHandle Outer = new("aten::outer");

    // comparison and selection
    internal static readonly OpHandle EqT = new("aten::eq", "Tensor"), EqS = new("aten::eq", "Scalar");
    internal static readonly OpHandle NeS = new("aten::ne", "Scalar"), NeT = new("aten::ne", "Tensor");
    internal static readonly OpHandle GtT = new("aten::gt", "Tensor"), GtS = new("aten::gt", "Scalar");
    internal static readonly OpHandle LtT = new("aten::lt", "Tensor"), LtS = new("aten::lt", "Scalar");
    internal static readonly OpHandle GeT = new("aten::ge", "Tensor"), GeS = new("aten::ge", "Scalar");
    internal static readonly OpHandle LeT = new("aten::le", "Tensor"), LeS = new("aten::le", "Scalar");
    internal static readonly OpHandle Where = new("aten::where", "self"), MaskedFill = new("aten::masked_fill", "Scalar");
    internal static readonly OpHandle LogicalNot = new("aten::logical_not"), LogicalAnd = new("aten::logical_and");

    // elementwise math
    internal static readonly OpHandle Exp = new("aten::exp"), Log = new("aten::log"), Log1p = new("aten::log1p");
    internal static readonly OpHandle Expm1 = new("aten::expm1"), Sqrt = new("aten::sqrt"), Rsqrt = new("aten::rsqrt");
    internal static readonly OpHandle Sin = new("aten::sin"), Cos = new("aten::cos"), Tanh = new("aten::tanh");
    internal static readonly OpHandle Sigmoid = new("aten::sigmoid"), Relu = new("aten::relu"), Abs = new("aten::abs");
    internal static readonly OpHandle Square = new("aten::square"), Sign = new("aten::sign"), Erf = new("aten::erf");
    internal static readonly OpHandle Floor = new("aten::floor"), Ceil = new("aten::ceil"), Round = new("aten::round");
    internal static readonly OpHandle Clamp = new("aten::clamp"), Gelu = new("aten::gelu"), Silu = new("aten::silu");
    internal static readonly OpHandle Softplus = new("aten::softplus"), LeakyRelu = new("aten::leaky_relu");
    internal static readonly OpHandle Reciprocal = new("aten::reciprocal");

    // reductions
    internal static readonly OpHandle Sum = new("aten::sum"), SumDim = new("aten::sum", "dim_IntList");
    internal static readonly OpHandle Mean = new("aten::mean"), MeanDim = new("aten::mean", "dim");
    internal static readonly OpHandle Max = new("aten::max"), MaxDim = new("aten::max", "dim");
    internal static readonly OpHandle Min = new("aten::min"), MinDim = new("aten::min", "dim");
    internal static readonly OpHandle MaxOther = new("aten::maximum"), MinOther = new("aten::minimum");
    internal static readonly OpHandle Amax = new("aten::amax"), Argmax = new("aten::argmax"), Argmin = new("aten::argmin");
    internal static readonly OpHandle Var = new("aten::var", "correction"), Std = new("aten::std", "correction");
    internal static readonly OpHandle Logsumexp = new("aten::logsumexp"), VectorNorm = new("aten::linalg_vector_norm");
    internal static readonly OpHandle All = new("aten::all"), Any = new("aten::any"), Cumsum = new("aten::cumsum");
    internal static readonly OpHandle Prod = new("aten::prod");

    // shape and indexing
    internal static readonly OpHandle View = new("aten::view"), Reshape = new("aten::reshape");
    internal static readonly OpHandle Permute = new("aten::permute"), Transpose = new("aten::transpose", "int");
    internal static readonly OpHandle SqueezeDim = new("aten::squeeze", "dim"), Squeeze = new("aten::squeeze");
    internal static readonly OpHandle Unsqueeze = new("aten::unsqueeze"), Cat = new("aten::cat"), Stack = new("aten::stack");
    internal static readonly OpHandle Chunk = new("aten::chunk"), Split = new("aten::split", "Tensor");
    internal static readonly OpHandle Expand = new("aten::expand"), Repeat = new("aten::repeat");
    internal static readonly OpHandle RepeatInterleave = new("aten::repeat_interleave", "self_int");
    internal static readonly OpHandle Flatten = new("aten::flatten", "using_ints"), Narrow = new("aten::narrow");
    internal static readonly OpHandle Slice = new("aten::slice", "Tensor"), Select = new("aten::select", "int");
    internal static readonly OpHandle IndexSelect = new("aten::index_select"), Gather = new("aten::gather");
    internal static readonly OpHandle Index = new("aten::index", "Tensor"), IndexPutIn = new("aten::index_put_");
    internal static readonly OpHandle Contiguous = new("aten::contiguous"), Flip = new("aten::flip");
    internal static readonly OpHandle Clone = new("aten::clone"), Detach = new("aten::detach");
    internal static readonly OpHandle ToDType = new("aten::to", "dtype"), ToDevice = new("aten::to", "device");
    internal static readonly OpHandle OneHot = new("aten::one_hot"), Tril = new("aten::tril"), Triu = new("aten::triu");
    internal static readonly OpHandle Roll = new("aten::roll"), Sort = new("aten::sort"), Topk = new("aten::topk");
    internal static readonly OpHandle Bincount = new("aten::bincount");

    // creation and random
    internal static readonly OpHandle Zeros = new("aten::zeros"), Ones = new("aten::ones"), Full = new("aten::full");
    internal static readonly OpHandle Empty = new("aten::empty", "memory_format"), Eye = new("aten::eye");
    internal static readonly OpHandle ArangeStep = new("aten::arange", "start_step"), Linspace = new("aten::linspace");
    internal static readonly OpHandle ZerosLike = new("aten::zeros_like"), OnesLike = new("aten::ones_like");
    internal static readonly OpHandle FullLike = new("aten::full_like"), RandnLike = new("aten::randn_like");
    internal static readonly OpHandle Randn = new("aten::randn", "generator"), Rand = new("aten::rand", "generator");
    internal static readonly OpHandle Randint = new("aten::randint", "low_generator"), Randperm = new("aten::randperm", "generator");
    internal static readonly OpHandle NormalIn = new("aten::normal_"), UniformIn = new("aten::uniform_");
    internal static readonly OpHandle Multinomial = new("aten::multinomial"), Bernoulli = new("aten::bernoulli", "p");

    // neural-network functions
    internal static readonly OpHandle ConvTranspose2d = new("aten::conv_transpose2d", "input");
    internal static readonly OpHandle LayerNorm = new("aten::layer_norm");
    internal static readonly OpHandle Softmax = new("aten::softmax", "int"), LogSoftmax = new("aten::log_softmax", "int");
    internal static readonly OpHandle Sdpa = new("aten::scaled_dot_product_attention");
    internal static readonly OpHandle UpsampleNearest = new("aten::upsample_nearest2d", "vec");
    internal static readonly OpHandle UpsampleBilinear = new("aten::upsample_bilinear2d", "vec");
    internal static readonly OpHandle AvgPool2d = new("aten::avg_pool2d"), MaxPool2d = new("aten::max_pool2d");
    internal static readonly OpHandle AdaptiveAvgPool2d = new("aten::adaptive_avg_pool2d");
    internal static readonly OpHandle MseLoss = new("aten::mse_loss"), L1Loss = new("aten::l1_loss");
    internal static readonly OpHandle CrossEntropy = new("aten::cross_entropy_loss"), Dropout = new("aten::dropout");
    internal static readonly OpHandle Embedding = new("aten::embedding"), Eigh = new("aten::linalg_eigh");
    internal static readonly OpHandle PixelShuffle = new("aten::pixel_shuffle"), PixelUnshuffle = new("aten::pixel_unshuffle");
}
