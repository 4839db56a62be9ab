namespace RandCond.Distillation;

/// <summary>The step a distillation call reached and its progress reports, those restored from the checkpoint it resumed included.</summary>
public sealed record DistillationOutcome(int Steps, IReadOnlyList<DistillationProgress> History);
