using Sparkle.Video.Compositing;

namespace Sparkle.Video.Tests.Compositing;

public class FloorControllerTests
{
    private static TimeSpan S(double seconds) => TimeSpan.FromSeconds(seconds);

    [Fact]
    public void FirstSpeakerTakesTheFloorAtOnce()
    {
        var floor = new FloorController(S(2));
        floor.ReportSpeaker("a", S(0));
        Assert.Equal("a", floor.FloorHolder);
    }

    [Fact]
    public void InterjectionShorterThanTheHoldTimeDoesNotTakeTheFloor()
    {
        var floor = new FloorController(S(2));
        floor.ReportSpeaker("a", S(0));
        floor.ReportSpeaker("b", S(0.5));
        floor.ReportSpeaker("a", S(1.0));
        Assert.False(floor.Update(S(3)));
        Assert.Equal("a", floor.FloorHolder);
        Assert.Equal("a", floor.ActiveSpeaker);
    }

    [Fact]
    public void PendingSpeakerTakesTheFloorWhenTheHoldTimeExpires()
    {
        var floor = new FloorController(S(2));
        floor.ReportSpeaker("a", S(0));
        floor.ReportSpeaker("b", S(1));
        Assert.Equal("a", floor.FloorHolder);
        Assert.False(floor.Update(S(1.9)));
        Assert.True(floor.Update(S(2)));
        Assert.Equal(["b", "a"], floor.Order);
    }

    [Fact]
    public void RemovedParticipantLeavesTheFloorOrder()
    {
        var floor = new FloorController(S(0));
        floor.ReportSpeaker("a", S(0));
        floor.ReportSpeaker("b", S(1));
        floor.Remove("b");
        Assert.Equal("a", floor.FloorHolder);
        Assert.Null(floor.ActiveSpeaker);
    }
}
