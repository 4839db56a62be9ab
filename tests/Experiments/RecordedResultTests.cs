using RandCond.Experiments;

namespace RandCond.Tests.Labs;

public sealed class RecordedResultTests
{
    [Fact]
    public void A_committed_record_carries_its_provenance()
    {
        var record = RecordedResult.Find("held-out-digit-paper-cuda.json");
        Assert.NotNull(record);
        Assert.StartsWith("results/held-out-digit-paper-cuda.json: NVIDIA", record.Provenance);
        Assert.Contains("commit 4add14ee15ad", record.Provenance);
        Assert.Equal(2, record.Json["students"]!.AsArray().Count);
    }

    [Fact]
    public void A_missing_record_is_null_and_a_damaged_one_is_named()
    {
        Assert.Null(RecordedResult.Find("no-such-result.json"));
        var name = $"damaged-{Guid.NewGuid():N}.json";
        var path = RepoPaths.Results(name);
        File.WriteAllText(path, "{ not json");
        try
        {
            var e = Assert.Throws<InvalidDataException>(() => RecordedResult.Find(name));
            Assert.Contains(name, e.Message);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
