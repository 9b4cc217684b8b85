namespace Sparkle.Transcription.Tests;

public sealed class WordErrorRateTests
{
    [Fact]
    public void IdenticalTextIsZero() =>
        Assert.Equal(0, WordErrorRate.Compute("he was not an ill disposed young man", "He was not an ill-disposed young man."));

    [Fact]
    public void NothingRecognisedIsOneHundredPercent() =>
        Assert.Equal(1, WordErrorRate.Compute("he was not an ill disposed young man", ""));

    [Fact]
    public void SubstitutionsDeletionsAndInsertionsEachCountOne()
    {
        // "an" -> "a" (substitution), "ill" deleted, "very" inserted: 3 of 8.
        Assert.Equal(3.0 / 8, WordErrorRate.Compute("he was not an ill disposed young man", "he was not a disposed very young man"));
    }

    [Fact]
    public void InsertionsCanTakeItAboveOne() =>
        Assert.Equal(3, WordErrorRate.Compute("yes", "no no no"));

    [Fact]
    public void NormalisationKeepsApostrophesAndDropsPunctuation() =>
        Assert.Equal(["don't", "stop", "mr", "smith"], WordErrorRate.Normalise("Don't STOP, Mr. Smith!"));

    [Fact]
    public void EmptyReference()
    {
        Assert.Equal(0, WordErrorRate.Compute("", " "));
        Assert.Equal(1, WordErrorRate.Compute("", "noise"));
    }

    [Fact]
    public void LongTextsAreLinearInMemory()
    {
        var reference = string.Join(' ', Enumerable.Range(0, 5000).Select(i => $"w{i % 97}"));
        var hypothesis = string.Join(' ', Enumerable.Range(0, 5000).Select(i => i % 10 == 0 ? "x" : $"w{i % 97}"));

        Assert.Equal(0.1, WordErrorRate.Compute(reference, hypothesis), 3);
    }
}
