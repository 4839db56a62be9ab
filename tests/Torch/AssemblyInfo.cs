using RandCond.Tensors;
// Tests that measure live-tensor counts need the whole process to themselves, so the suite runs its test
// classes one after another (each is fast; the suite stays well under a minute).
[assembly: CollectionBehavior(DisableTestParallelization = true)]
