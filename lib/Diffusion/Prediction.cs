namespace RandCond.Diffusion;

/// <summary>What a denoising network outputs (convert between them with <see cref="Parameterization"/>).</summary>
public enum Prediction
{
    /// <summary>The noise eps in x_t = sqrt(ab_t) x_0 + sqrt(1 - ab_t) eps.</summary>
    Epsilon,
    /// <summary>The velocity v = sqrt(ab_t) eps - sqrt(1 - ab_t) x_0 (Salimans and Ho).</summary>
    V,
    /// <summary>The clean sample x_0.</summary>
    X0,
}
