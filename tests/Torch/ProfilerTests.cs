using RandCond.Tensors;
using Xunit;

namespace RandCond.Tests.Tensors;

public class ProfilerTests
{
    [Fact]
    public void A_profile_writes_a_chrome_trace_of_the_operators_or_says_that_this_libtorch_cannot()
    {
        string dir = Directory.CreateTempSubdirectory("rc-profile-").FullName;
        try
        {
            string path = Path.Combine(dir, "trace.json");
            if (!Profiler.IsAvailable)
            {
                // Debian's CPU libtorch (this CI's) has no Kineto; CUDA builds from pip have it (the GPU benchmark profiles there).
                var e = Assert.Throws<NotSupportedException>(() => Profiler.Start(path, cuda: false));
                Assert.Contains("Kineto", e.Message);
                Assert.False(File.Exists(path));
                return;
            }
            using (var scope = Torch.NewDisposeScope())
            using (Profiler.Start(path, cuda: false))
            {
                var x = Torch.Randn([64, 64]);
                _ = x.MatMul(x).Sum().Item();
            }
            Assert.False(File.Exists(path + ".partial"), "the partial trace was left behind");
            Assert.Contains("aten::mm", File.ReadAllText(path));
            Assert.Equal(0, KernelTrace.Read(path).Launches);   // a CPU profile has no GPU kernels
        }
        finally { Directory.Delete(dir, recursive: true); }
    }

    [Fact]
    public void Kernel_totals_are_summed_by_name_longest_first()
    {
        string path = Path.GetTempFileName();
        try
        {
            File.WriteAllText(path, """
                {"traceEvents": [
                  {"ph": "X", "cat": "kernel", "name": "gemm", "dur": 10.0},
                  {"ph": "X", "cat": "kernel", "name": "norm", "dur": 4.0},
                  {"ph": "X", "cat": "kernel", "name": "gemm", "dur": 20.0},
                  {"ph": "X", "cat": "cpu_op", "name": "aten::mm", "dur": 99.0}
                ]}
                """);
            var trace = KernelTrace.Read(path);
            Assert.Equal(3, trace.Launches);
            Assert.Equal(0.034, trace.TotalMs, 9);
            Assert.Equal(["gemm", "norm"], trace.Kernels.Select(k => k.Name));
            Assert.Equal(2, trace.Kernels[0].Calls);
        }
        finally { File.Delete(path); }
    }

    [Fact]
    public void A_file_that_is_not_a_trace_is_refused_by_name()
    {
        string path = Path.GetTempFileName();
        try
        {
            File.WriteAllText(path, "{\"events\": []}");
            var e = Assert.Throws<InvalidDataException>(() => KernelTrace.Read(path));
            Assert.Contains("traceEvents", e.Message);
            File.WriteAllText(path, "{not json");
            Assert.Throws<InvalidDataException>(() => KernelTrace.Read(path));
        }
        finally { File.Delete(path); }
    }
}
