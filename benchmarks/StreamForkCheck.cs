using RandCond.Tensors;

namespace RandCond.Benchmarks;

/// <summary>
/// <see cref="StreamFork"/> on a CUDA device: work forked onto the side stream and joined gives what the same work gives
/// on one stream, eagerly and replayed from a CUDA graph whose capture forked; and the labs' distillation step with its
/// teacher on the side stream (<c>DistillationOptions.OverlappedTeacher</c>) gives the serial step's losses; and two
/// students stepped together (<see cref="Training.Lockstep"/>, the second on lane 1, its graph captured there) each give
/// the losses they give alone.
/// </summary>
internal static class StreamForkCheck
{
    public static void Run(Action<string, bool, string> add, Device device, string teacherPath)
    {
        Eager(add, device);
        Graphed(add, device);
        DistillationStep(add, device, teacherPath);
        TwoStudents(add, device, teacherPath);
    }

    // Long enough on both streams that they overlap, and each side's result depends on all of its work.
    private static (Tensor Side, Tensor Main) Work(Tensor a, Tensor b, StreamFork fork)
    {
        var side = fork.Side(() =>
        {
            var x = a;
            for (int i = 0; i < 20; i++) x = (x.MatMul(b) * 0.03).Tanh();
            return x;
        });
        var y = b;
        for (int i = 0; i < 20; i++) y = (y.MatMul(a) * 0.03).Sin();
        return (side, y);
    }

    private static bool Same(Tensor a, Tensor b)
    {
        using var all = a.Eq(b).All();
        return all.Item() != 0;
    }

    private static void Eager(Action<string, bool, string> add, Device device)
    {
        using var scope = Torch.NewDisposeScope();
        using var g = new Generator(5);
        var a = Torch.Randn([1024, 1024], g).To(device);
        var b = Torch.Randn([1024, 1024], g).To(device);
        var (serialSide, serialMain) = Work(a, b, StreamFork.On(device, enabled: false));
        Tensor side, main;
        using (var fork = StreamFork.On(device)) (side, main) = Work(a, b, fork);
        bool equal = Same(side, serialSide) && Same(main, serialMain);
        add("stream fork, eager", equal, $"side and main streams' results {(equal ? "equal" : "differ from")} the serial ones (bitwise)");
    }

    private static void Graphed(Action<string, bool, string> add, Device device)
    {
        using var scope = Torch.NewDisposeScope();
        using var g = new Generator(6);
        var a = Torch.Randn([512, 512], g).To(device);
        var b = Torch.Randn([512, 512], g).To(device);
        for (int i = 0; i < 2; i++)
            using (var warm = StreamFork.On(device)) Work(a, b, warm);
        using var graph = new CudaGraph();
        var (side, main) = graph.Capture(device, () =>
        {
            using var fork = StreamFork.On(device);
            return Work(a, b, fork);
        });
        using var g2 = new Generator(7);
        a.CopyFrom(Torch.Randn([512, 512], g2).To(device));
        b.CopyFrom(Torch.Randn([512, 512], g2).To(device));
        graph.Replay();
        var (serialSide, serialMain) = Work(a, b, StreamFork.On(device, enabled: false));
        bool equal = Same(side, serialSide) && Same(main, serialMain);
        add("stream fork, in a CUDA graph", equal, $"a replay on new inputs {(equal ? "equals" : "differs from")} the serial eager work (bitwise)");
    }

    private static void DistillationStep(Action<string, bool, string> add, Device device, string teacherPath)
    {
        const int steps = 6;
        double[] Losses(string config)
        {
            Torch.ManualSeed(3);
            using var setup = new DistillStep.Setup(device, teacherPath, PerfConfig.Parse(config));
            var (xt, t, tokens) = DistillStep.RandomBatch(64, ((RandCond.Diffusion.Text.TextEncoderConfig)setup.Teacher.Text.Config).VocabSize, device, 1);
            using var _xt = xt;
            using var _t = t;
            using var _tokens = tokens;
            var losses = new double[steps];
            for (int i = 0; i < steps; i++)
            {
                using var stepScope = Torch.NewDisposeScope();
                using var terms = setup.Run(xt, t, tokens, i);
                losses[i] = terms.Total.Item();
            }
            return losses;
        }
        const string labs = "tf32+bf16+bf16w+cl+fnorm+graph";
        var serial = Losses(labs);
        var overlapped = Losses(labs + "+ovl");
        double worst = serial.Zip(overlapped, (s, o) => Math.Abs(s - o) / Math.Max(Math.Abs(s), 1e-12)).Max();
        add("distillation step, teacher on a second stream", worst < 1e-4,
            $"{steps} graphed steps ({labs}), batch 64: losses {string.Join(", ", overlapped.Select(l => l.ToString("F5")))} against the serial " +
            $"{string.Join(", ", serial.Select(l => l.ToString("F5")))}: largest relative difference {worst:E2} (limit 1e-4)");
    }

    /// <summary>A graphed distillation step of a setup on a fixed batch as a training cursor; reads each loss on its own stream.</summary>
    private sealed class StepCursor(DistillStep.Setup setup, (Tensor Xt, Tensor T, Tensor Tokens) batch, int steps) : Training.ITrainingCursor
    {
        public List<double> Losses { get; } = [];
        public bool Finished => Losses.Count == steps;

        public bool Advance()
        {
            if (Finished) return false;
            using var scope = Torch.NewDisposeScope();
            using var terms = setup.Run(batch.Xt, batch.T, batch.Tokens, Losses.Count);
            Losses.Add(terms.Total.Item());
            return true;
        }

        public void Dispose()
        {
            batch.Xt.Dispose();
            batch.T.Dispose();
            batch.Tokens.Dispose();
            setup.Dispose();
        }
    }

    private static void TwoStudents(Action<string, bool, string> add, Device device, string teacherPath)
    {
        const int steps = 6;
        const string labs = "tf32+bf16+bf16w+cl+fnorm+graph+ovl";
        List<double>[] Losses(bool together)
        {
            var cursors = new List<StepCursor>();
            try
            {
                for (int k = 0; k < 2; k++)
                {
                    Torch.ManualSeed(3 + (ulong)k);
                    var setup = new DistillStep.Setup(device, teacherPath, PerfConfig.Parse(labs));
                    long vocab = ((RandCond.Diffusion.Text.TextEncoderConfig)setup.Teacher.Text.Config).VocabSize;
                    cursors.Add(new StepCursor(setup, DistillStep.RandomBatch(64, vocab, device, 10 + (ulong)k), steps));
                }
                if (together) Training.Lockstep.Run(cursors, device);
                else foreach (var c in cursors) while (c.Advance()) { }
                return cursors.Select(c => c.Losses).ToArray();
            }
            finally
            {
                foreach (var c in cursors) c.Dispose();
            }
        }
        var alone = Losses(together: false);
        var together = Losses(together: true);
        double worst = alone.Zip(together, (a, b) => a.Zip(b, (x, y) => Math.Abs(x - y) / Math.Max(Math.Abs(x), 1e-12)).Max()).Max();
        add("two students in lockstep", worst < 1e-4,
            $"{steps} graphed steps each ({labs}), batch 64, the second on lane 1: losses {string.Join(" / ", together.Select(l => string.Join(", ", l.Select(v => v.ToString("F5")))))} " +
            $"against each alone {string.Join(" / ", alone.Select(l => string.Join(", ", l.Select(v => v.ToString("F5")))))}: largest relative difference {worst:E2} (limit 1e-4)");
    }
}
