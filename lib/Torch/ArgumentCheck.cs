namespace RandCond.Tensors;

/// <summary>
/// Checks enum arguments before they reach native code: libtorch stores dtypes, memory formats and device types in
/// 8-bit enums and indexes tables with them, so an undefined value would crash or hang the process instead of failing.
/// </summary>
internal static class ArgumentCheck
{
    /// <summary>Returns <paramref name="value"/> if it is a named member of its enum; else throws naming the argument.</summary>
    internal static T Defined<T>(T value, string argument) where T : struct, Enum =>
        Enum.IsDefined(value)
            ? value
            : throw new ArgumentOutOfRangeException(argument, value,
                $"{argument}: {value} is not a {typeof(T).Name} (expected one of {string.Join(", ", Enum.GetNames<T>())})");
}
