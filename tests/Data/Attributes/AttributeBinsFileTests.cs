using RandCond.Data;
using RandCond.Data.Attributes;
using RandCond.Tensors;
using RandCond.Tests.Data;

namespace RandCond.Tests.Data.Attributes;

[Collection("datasets")]
public class AttributeBinsFileTests(DatasetsFixture data)
{
    [Fact]
    public void SavedBinsLoadBackEqualAndClassifyTheSame()
    {
        using var scratch = new ScratchFolder();
        var bins = AttributeBins.Fit(data.MnistTest);
        var path = scratch.Combine("nested/mnist-attribute-bins.json");
        bins.Save(path);
        Assert.Equal([Path.GetFileName(path)], Directory.GetFiles(Path.GetDirectoryName(path)!).Select(Path.GetFileName)); // no temporary left
        Assert.Contains("\"thickness\"", File.ReadAllText(path));
        Assert.Contains("\"lower_quartile\"", File.ReadAllText(path));

        var loaded = AttributeBins.Load(path);
        Assert.Equal(bins.Format, loaded.Format);
        Assert.Equal(bins.Dataset, loaded.Dataset);
        Assert.Equal(bins.FittedImages, loaded.FittedImages);
        Assert.Equal(bins.Classes, loaded.Classes); // DigitBins and MeasureQuartiles are records: value equality

        using var scope = Torch.NewDisposeScope();
        var measures = StrokeMeasurement.Measure(data.MnistTest.Images, PixelRange.ZeroOne);
        Assert.Equal(TensorValues.Longs(bins.Classify(measures, data.MnistTest.Labels)),
                     TensorValues.Longs(loaded.Classify(measures, data.MnistTest.Labels)));
    }

    [Fact]
    public void AMissingFileIsNamed()
    {
        using var scratch = new ScratchFolder();
        var path = scratch.Combine("absent.json");
        var error = Assert.Throws<FileNotFoundException>(() => AttributeBins.Load(path));
        Assert.Contains(path, error.Message);
    }

    [Theory]
    [InlineData("{ \"format\": 1, \"dataset\": ", "Path: $.dataset | LineNumber: 0")]
    [InlineData("[]", "AttributeBins")]
    [InlineData(ValidHead + "\"classes\": [] }", "field classes is empty")]
    [InlineData(ValidHead + "\"classes\": [" + Zero + "], \"extra\": 1 }", "extra")]
    [InlineData(ValidHead + "\"classes\": [{ \"label\": 0, \"thickness\": " + Q + " }] }", "slant")]
    [InlineData(ValidHead + "\"classes\": [" + Zero + ", " + Zero + "] }", "field classes[1].label is 0")]
    [InlineData(ValidHead + "\"classes\": [{ \"label\": 0, \"thickness\": " + Q + ", \"slant\": { \"lower_quartile\": 5, \"median\": 4, \"upper_quartile\": 6 } }] }", "field classes[0].slant has quartiles out of order")]
    [InlineData("{ \"format\": 2, \"dataset\": \"mnist\", \"fitted_images\": 1, \"classes\": [" + Zero + "] }", "field format is 2")]
    public void AMalformedFileIsNamedWithTheFieldThatIsWrong(string json, string expected)
    {
        using var scratch = new ScratchFolder();
        var path = scratch.Combine("bins.json");
        File.WriteAllText(path, json);
        var error = Assert.Throws<InvalidDataException>(() => AttributeBins.Load(path));
        Assert.Contains(path, error.Message);
        Assert.True(error.Message.Contains(expected), error.Message);
    }

    [Fact]
    public void AWellFormedHandWrittenFileLoads()
    {
        using var scratch = new ScratchFolder();
        var path = scratch.Combine("bins.json");
        File.WriteAllText(path, ValidHead + "\"classes\": [" + Zero + "] }");
        var bins = AttributeBins.Load(path);
        Assert.Equal(new DigitBins(0, new MeasureQuartiles(1, 2, 3), new MeasureQuartiles(1, 2, 3)), bins.Classes.Single());
    }

    [Fact]
    public void TheCommittedFileLivesUnderDataAttributes()
    {
        var path = AttributeBins.CommittedFile(DatasetKind.Mnist);
        Assert.EndsWith(Path.Combine("data", "attributes", "mnist-attribute-bins.json"), path);
        Assert.True(File.Exists(Path.Combine(Path.GetDirectoryName(Path.GetDirectoryName(Path.GetDirectoryName(path)!)!)!, "RandCond.Lib.csproj")));
    }

    [Fact]
    public void TheCommittedMnistBinsAreThoseOfTheFullTrainingSet()
    {
        // Teacher captions, D and the scorer read the committed file; a change to the measurement that is not followed
        // by a refit (AttributeBins.Fit(train).Save(AttributeBins.CommittedFile(DatasetKind.Mnist))) fails here.
        var committed = AttributeBins.LoadCommitted(DatasetKind.Mnist);
        var fitted = AttributeBins.Fit(data.MnistTrain);
        Assert.Equal(("mnist", 60000L), (committed.Dataset, committed.FittedImages));
        Assert.Equal(fitted.NumClasses, committed.NumClasses);
        foreach (var (mine, theirs) in fitted.Classes.Zip(committed.Classes))
            foreach (var (a, b) in new[] { (mine.Thickness, theirs.Thickness), (mine.Slant, theirs.Slant) })
            {
                Assert.Equal(a.LowerQuartile, b.LowerQuartile, 1e-3);
                Assert.Equal(a.Median, b.Median, 1e-3);
                Assert.Equal(a.UpperQuartile, b.UpperQuartile, 1e-3);
            }
    }

    private const string ValidHead = "{ \"format\": 1, \"dataset\": \"mnist\", \"fitted_images\": 10, ";
    private const string Q = "{ \"lower_quartile\": 1, \"median\": 2, \"upper_quartile\": 3 }";
    private const string Zero = "{ \"label\": 0, \"thickness\": " + Q + ", \"slant\": " + Q + " }";
}
