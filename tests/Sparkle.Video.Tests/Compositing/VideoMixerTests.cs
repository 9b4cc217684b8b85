using Sparkle.Video.Compositing;
using Sparkle.Video.Layouts;
using static Sparkle.Video.Tests.Compositing.TestFrames;

namespace Sparkle.Video.Tests.Compositing;

public class VideoMixerTests
{
    private static readonly YuvColor[] s_colours = [Red, Green, Blue, Yellow, Grey];

    private static TimeSpan S(double seconds) => TimeSpan.FromSeconds(seconds);

    private static VideoMixer MeetingOf(int count, TimeSpan? hold = null)
    {
        var mixer = new VideoMixer(hold ?? S(2), new CompositorOptions { ShowNames = false });
        for (var i = 0; i < count; i++)
        {
            mixer.AddParticipant($"p{i}", $"P{i}");
            using var frame = Solid(s_colours[i % s_colours.Length]);
            Assert.True(mixer.PushFrame($"p{i}", frame.AsView()));
        }

        return mixer;
    }

    private static YuvColor Centre(CompositeOutput output, int slot)
    {
        var rect = output.Compositor.TileRects[slot];
        return output.Canvas.GetPixel(rect.CentreX, rect.CentreY);
    }

    [Fact]
    public void ActiveSpeakerTakesTheFloorSlotInAutomaticMode()
    {
        using var mixer = MeetingOf(5);
        mixer.SetLayout(LayoutCatalogue.Get("one-plus-5"));
        var output = mixer.GetOrAddOutput(1280, 720);

        mixer.Render(S(0));
        Assert.Equal("p0", output.Assignment[0]);
        AssertColour(Red, Centre(output, 0));

        mixer.ReportActiveSpeaker("p2", S(1));
        mixer.Render(S(1));
        Assert.Equal("p2", output.Assignment[0]);
        AssertColour(Blue, Centre(output, 0));
        Assert.Equal<string?>(["p2", "p0", "p1", "p3", "p4", null], output.Assignment);
    }

    [Fact]
    public void HoldTimeStopsTheFloorFromFlapping()
    {
        using var mixer = MeetingOf(3, S(2));
        mixer.SetLayout(LayoutCatalogue.Get("pip-two"));
        var output = mixer.GetOrAddOutput(640, 360);
        mixer.ReportActiveSpeaker("p1", S(10));
        mixer.Render(S(10));
        mixer.ReportActiveSpeaker("p2", S(10.5));
        mixer.Render(S(10.5));
        Assert.Equal("p1", output.Assignment[0]);
        mixer.Render(S(12));
        Assert.Equal("p2", output.Assignment[0]);
        AssertColour(Blue, Centre(output, 0));
    }

    [Fact]
    public void FixedModeKeepsTheChairsPlacementsWhoeverSpeaks()
    {
        using var mixer = MeetingOf(4);
        mixer.SetLayout(LayoutCatalogue.Get("grid-2x2"));
        mixer.SetMode(LayoutMode.Fixed);
        mixer.Place(0, "p3");
        mixer.Place(3, "p0");
        var output = mixer.GetOrAddOutput(1280, 720);

        mixer.ReportActiveSpeaker("p2", S(5));
        mixer.Render(S(5));
        Assert.Equal<string?>(["p3", "p1", "p2", "p0"], output.Assignment);
        AssertColour(Yellow, Centre(output, 0));
        AssertColour(Red, Centre(output, 3));
    }

    [Fact]
    public void SwitchingToFixedModeFreezesThePictureUntilTheChairMovesSomeone()
    {
        using var mixer = MeetingOf(4, S(0));
        mixer.SetLayout(LayoutCatalogue.Get("one-plus-5"));
        var output = mixer.GetOrAddOutput(640, 360);
        mixer.ReportActiveSpeaker("p2", S(1));
        mixer.Render(S(1));
        Assert.Equal<string?>(["p2", "p0", "p1", "p3", null, null], output.Assignment);

        mixer.SetMode(LayoutMode.Fixed);
        mixer.ReportActiveSpeaker("p3", S(2));
        mixer.Render(S(2));
        Assert.Equal<string?>(["p2", "p0", "p1", "p3", null, null], output.Assignment);

        mixer.Place(0, "p3"); // moving p3 frees its old slot, which p2 (no longer placed) does not take back
        mixer.Render(S(3));
        Assert.Equal("p3", output.Assignment[0]);
        Assert.Equal(4, output.Assignment.Count(a => a is not null));

        mixer.ClearPlacements();
        mixer.SetMode(LayoutMode.Automatic);
        mixer.Render(S(4));
        Assert.Equal<string?>(["p3", "p0", "p1", "p2", null, null], output.Assignment);
    }

    [Fact]
    public void PlacementsAreHonouredInAutomaticModeAndSpeakersFillTheOtherFloorSlots()
    {
        using var mixer = MeetingOf(6, S(0));
        mixer.SetLayout(LayoutCatalogue.Get("two-plus-8"));
        mixer.Place(0, "p5");
        var output = mixer.GetOrAddOutput(1280, 720);
        mixer.ReportActiveSpeaker("p1", S(1));
        mixer.ReportActiveSpeaker("p2", S(2));
        mixer.Render(S(2));
        Assert.Equal("p5", output.Assignment[0]);
        Assert.Equal("p2", output.Assignment[1]);
    }

    [Fact]
    public void LayoutGroupFollowsTheParticipantCount()
    {
        using var mixer = MeetingOf(3);
        Assert.Equal("grid-2x2", mixer.CurrentLayout.Id);
        var output = mixer.GetOrAddOutput(1280, 720);
        mixer.Render(S(0));
        Assert.Equal("grid-2x2", output.Compositor.Layout.Id);

        for (var i = 3; i < 10; i++)
        {
            mixer.AddParticipant($"p{i}", $"P{i}");
        }

        mixer.Render(S(1));
        Assert.Equal("grid-4x4", output.Compositor.Layout.Id);
        mixer.RemoveParticipant("p9");
        mixer.Render(S(2));
        Assert.Equal("grid-3x3", output.Compositor.Layout.Id);
    }

    [Fact]
    public void VideoOffAndNotYetDecodedParticipantsShowTheVideoOffTile()
    {
        using var mixer = MeetingOf(2);
        mixer.AddParticipant("late", "Late");
        mixer.SetVideoOff("p1", true);
        mixer.SetLayout(LayoutCatalogue.Get("grid-2x2"));
        var output = mixer.GetOrAddOutput(1280, 720);
        mixer.Render(S(0));

        var off = CompositorOptions.Default.VideoOffFill;
        AssertColour(Red, Centre(output, 0));
        var slot1 = output.Compositor.TileRects[1];
        AssertColour(off, output.Canvas.GetPixel(slot1.X + 10, slot1.Y + 10), 0);
        var slot2 = output.Compositor.TileRects[2];
        AssertColour(off, output.Canvas.GetPixel(slot2.X + 10, slot2.Y + 10), 0);
    }

    [Fact]
    public void ForbiddenVideoStaysOffUntilTheChairAllowsItAgain()
    {
        using var mixer = MeetingOf(1);
        mixer.SetLayout(LayoutCatalogue.Get("grid-1x1"));
        var output = mixer.GetOrAddOutput(640, 360);
        var off = CompositorOptions.Default.VideoOffFill;

        mixer.SetVideoForbidden("p0", true);
        mixer.SetVideoOff("p0", true);
        mixer.SetVideoOff("p0", false); // the participant turning the camera on does not override the chair
        mixer.Render(S(0));
        AssertColour(off, output.Canvas.GetPixel(20, 20), 0);

        mixer.SetVideoForbidden("p0", false);
        mixer.Render(S(1));
        AssertColour(Red, output.Canvas.GetPixel(20, 20));
    }

    [Fact]
    public void OnlyParticipantsInSomeSlotAreVisible()
    {
        using var mixer = MeetingOf(3);
        mixer.SetLayout(LayoutCatalogue.Get("side-by-side"));
        var output = mixer.GetOrAddOutput(1280, 720);
        Assert.False(mixer.IsVisible("p0"));
        mixer.Render(S(0));
        Assert.True(mixer.IsVisible("p0"));
        Assert.True(mixer.IsVisible("p1"));
        Assert.False(mixer.IsVisible("p2"));
        Assert.False(mixer.IsVisible("nobody"));
    }

    [Fact]
    public void OutputsAreSharedPerResolutionAndLayout()
    {
        using var mixer = MeetingOf(2);
        var main = mixer.GetOrAddOutput(1280, 720);
        Assert.Same(main, mixer.GetOrAddOutput(1280, 720));
        var low = mixer.GetOrAddOutput(640, 360);
        var fixedLayout = mixer.GetOrAddOutput(640, 360, LayoutCatalogue.Get("pip"));
        Assert.NotSame(main, low);
        Assert.NotSame(low, fixedLayout);
        Assert.Equal(3, mixer.Outputs.Count);

        mixer.Render(S(0));
        AssertColour(Red, Centre(low, 0));
        Assert.Same(main, low.DerivedFrom);
        Assert.Null(fixedLayout.DerivedFrom);
        Assert.Equal("pip", fixedLayout.Compositor.Layout.Id);
        AssertColour(Green, Centre(fixedLayout, 1));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void LowResolutionOutputOfAHundredShowsEveryoneWhetherDerivedOrComposed(bool derive)
    {
        using var mixer = new VideoMixer(S(2), new CompositorOptions { ShowNames = false, BorderWidth = 0 }, derive);
        var colours = new YuvColor[100];
        for (var i = 0; i < 100; i++)
        {
            colours[i] = new YuvColor((byte)(30 + (2 * i)), (byte)(40 + i), (byte)(220 - i));
            mixer.AddParticipant($"p{i}", $"P{i}");
            using var frame = Solid(colours[i]);
            mixer.PushFrame($"p{i}", frame.AsView());
        }

        var main = mixer.GetOrAddOutput(1280, 720);
        var low = mixer.GetOrAddOutput(640, 360);
        mixer.Render(S(0));
        Assert.Equal(derive ? main : null, low.DerivedFrom);
        Assert.Equal("grid-10x10", low.Compositor.Layout.Id);
        for (var i = 0; i < 100; i++)
        {
            AssertColour(colours[i], Centre(low, i), 2, $"slot {i}");
            AssertColour(colours[i], Centre(main, i), 2, $"slot {i}");
        }
    }

    [Fact]
    public void MeetingControlFromTheGrainIsAppliedInOneCall()
    {
        using var mixer = MeetingOf(5);
        var output = mixer.GetOrAddOutput(640, 360);
        Assert.True(mixer.Apply("auto", automatic: true, []));
        Assert.Equal("grid-3x2", mixer.CurrentLayout.Id);

        Assert.True(mixer.Apply("auto-speaker", automatic: true, []));
        Assert.Equal("one-plus-5", mixer.CurrentLayout.Id);

        Assert.True(mixer.Apply("grid-2x2", automatic: false, [null, "p4", null, "p0"]));
        mixer.Render(S(0));
        Assert.Equal(LayoutMode.Fixed, mixer.Mode);
        Assert.Equal<string?>(["p1", "p4", "p2", "p0"], output.Assignment);

        Assert.False(mixer.Apply("no-such-layout", automatic: true, []));
        Assert.Equal("grid-2x2", mixer.CurrentLayout.Id);
        Assert.Equal(LayoutMode.Fixed, mixer.Mode);
    }

    [Fact]
    public async Task FramesPushedWhileRenderingNeverTearOrHideTheSender()
    {
        using var mixer = MeetingOf(4);
        mixer.SetLayout(LayoutCatalogue.Get("grid-2x2"));
        var output = mixer.GetOrAddOutput(640, 360);
        using var red = Solid(Red);
        using var green = Solid(Green);
        using var stop = new CancellationTokenSource();
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var pusher = Task.Run(() =>
        {
            var pushes = 0;
            var seenVisible = false;
            var hiddenAgain = 0;
            while (!stop.IsCancellationRequested)
            {
                mixer.PushFrame("p0", (pushes++ % 2 == 0 ? red : green).AsView());
                started.TrySetResult();
                var visible = mixer.IsVisible("p0");
                hiddenAgain += seenVisible && !visible ? 1 : 0;
                seenVisible |= visible;
            }

            return (pushes, hiddenAgain);
        });
        await started.Task; // a busy thread pool may start the pusher late: overlap for real

        for (var i = 0; i < 300; i++)
        {
            mixer.Render(S(i));
            // Whole pictures only: the tile is one sender picture, never half of two.
            var centre = Centre(output, 0);
            var rect = output.Compositor.TileRects[0];
            var corner = output.Canvas.GetPixel(rect.X + 8, rect.Y + 8);
            Assert.True(centre.IsClose(corner, 3), $"torn picture: {centre} vs {corner}");
            Assert.True(centre.IsClose(Red, 3) || centre.IsClose(Green, 3), $"unexpected {centre}");
        }

        stop.Cancel();
        var (pushes, hiddenAgain) = await pusher;
        Assert.True(pushes > 0);
        Assert.Equal(0, hiddenAgain); // a render in progress never makes a shown sender look hidden
        mixer.RemoveParticipant("p0"); // a late push to a removed participant is refused, not written
        Assert.False(mixer.PushFrame("p0", red.AsView()));
    }

    [Fact]
    public void FramesForUnknownParticipantsAreRefused()
    {
        using var mixer = MeetingOf(1);
        using var frame = Solid(Red);
        Assert.False(mixer.PushFrame("ghost", frame.AsView()));
    }

    [Fact]
    public void ARemovedOutputIsNoLongerComposedAndASmallerOneIsComposedFromTilesAgain()
    {
        using var mixer = MeetingOf(2);
        var large = mixer.GetOrAddOutput(1280, 720);
        var small = mixer.GetOrAddOutput(640, 360);
        mixer.Render(S(0));
        Assert.Same(large, small.DerivedFrom);

        Assert.True(mixer.RemoveOutput(large));
        Assert.False(mixer.RemoveOutput(large));
        mixer.Render(S(1));

        Assert.Equal([small], mixer.Outputs);
        Assert.Null(small.DerivedFrom);
        AssertColour(Red, Centre(small, 0));
        Assert.NotSame(large, mixer.GetOrAddOutput(1280, 720));
    }
}
