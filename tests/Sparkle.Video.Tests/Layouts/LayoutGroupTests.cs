using Sparkle.Video.Layouts;

namespace Sparkle.Video.Tests.Layouts;

public class LayoutGroupTests
{
    [Theory]
    [InlineData(0, "grid-1x1")]
    [InlineData(1, "grid-1x1")]
    [InlineData(2, "side-by-side")]
    [InlineData(3, "grid-2x2")]
    [InlineData(5, "grid-3x2")]
    [InlineData(7, "grid-3x3")]
    [InlineData(10, "grid-4x4")]
    [InlineData(50, "grid-8x8")]
    [InlineData(100, "grid-10x10")]
    [InlineData(140, "grid-10x10")]
    public void GridGroupPicksTheSmallestGridThatFits(int participants, string expected) =>
        Assert.Equal(expected, LayoutGroups.Grids.Pick(participants).Id);

    [Theory]
    [InlineData(2, "pip")]
    [InlineData(6, "one-plus-5")]
    [InlineData(13, "one-plus-12")]
    [InlineData(14, "one-plus-16")]
    [InlineData(90, "grid-10x10")]
    public void SpeakerGroupKeepsAFloorTileLarge(int participants, string expected) =>
        Assert.Equal(expected, LayoutGroups.Speaker.Pick(participants).Id);

    [Fact]
    public void EveryGroupCanShowAHundredParticipantsAndHasDistinctId()
    {
        Assert.All(LayoutGroups.All, g => Assert.Equal(100, g.Pick(100).Capacity));
        Assert.Equal(LayoutGroups.All.Count, LayoutGroups.All.Select(g => g.Id).Distinct().Count());
        Assert.True(LayoutGroups.TryGet("auto-speaker", out var speaker));
        Assert.Same(LayoutGroups.Speaker, speaker);
    }
}
