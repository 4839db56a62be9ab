namespace RandCond.Kernel;

/// <summary>The kernel cannot start or be installed as asked: a bad connection file, address or install target.</summary>
public sealed class KernelConfigurationException(string message, Exception? inner = null) : Exception(message, inner);
