using Sparkle.Video.Compositing;
using Sparkle.Video.Layouts;
using static Sparkle.Video.Tests.Compositing.TestFrames;

namespace Sparkle.Video.Tests.Compositing;

public class VideoCompositorTests
{
    private static readonly CompositorOptions s_plain = new() { ShowNames = false };

    [Theory]
    [InlineData(ScalerKind.Managed)]
    [InlineData(ScalerKind.Swscale)]
    public void GridTilesShowTheirSourceColourAtTheirCentres(ScalerKind scaler)
    {
        using var compositor = new VideoCompositor(LayoutCatalogue.Get("grid-2x2"), options: s_plain with { Scaler = scaler });
        YuvColor[] colours = [Red, Green, Blue, Yellow];
        var frames = colours.Select(c => Solid(c)).ToArray();
        compositor.Compose(frames.Select(f => TileContent.Video(f)).ToArray());

        for (var i = 0; i < 4; i++)
        {
            var rect = compositor.TileRects[i];
            AssertColour(colours[i], compositor.Canvas.GetPixel(rect.CentreX, rect.CentreY), where: $"tile {i}");
        }

        Assert.Equal(new TileRect(640, 360, 640, 360), compositor.TileRects[3]);
    }

    [Theory]
    [InlineData(ScalerKind.Managed)]
    [InlineData(ScalerKind.Swscale)]
    public void HundredTileGridPlacesEveryParticipantInItsOwnCell(ScalerKind scaler)
    {
        using var compositor = new VideoCompositor(LayoutCatalogue.Get("grid-10x10"), options: s_plain with { Scaler = scaler });
        var frames = Enumerable.Range(0, 100).Select(i => Solid(new YuvColor((byte)(20 + (2 * i)), (byte)(60 + i), (byte)(200 - i)))).ToArray();
        compositor.Compose(frames.Select(f => TileContent.Video(f)).ToArray());

        for (var i = 0; i < 100; i++)
        {
            var rect = compositor.TileRects[i];
            Assert.Equal(new TileRect(i % 10 * 128, i / 10 * 72, 128, 72), rect);
            AssertColour(frames[i].GetPixel(0, 0), compositor.Canvas.GetPixel(rect.CentreX, rect.CentreY), 1, $"tile {i}");
        }
    }

    [Theory]
    [InlineData(ScalerKind.Managed)]
    [InlineData(ScalerKind.Swscale)]
    public void ScalingKeepsTheSourceOrientation(ScalerKind scaler)
    {
        using var compositor = new VideoCompositor(LayoutCatalogue.Get("one-plus-5"), options: s_plain with { Scaler = scaler });
        using var quadrants = Quadrants();
        compositor.Compose([TileContent.Video(quadrants)]);

        var big = compositor.TileRects[0];
        var canvas = compositor.Canvas;
        AssertColour(Red, canvas.GetPixel(big.X + (big.Width / 4), big.Y + (big.Height / 4)));
        AssertColour(Green, canvas.GetPixel(big.X + (big.Width * 3 / 4), big.Y + (big.Height / 4)));
        AssertColour(Blue, canvas.GetPixel(big.X + (big.Width / 4), big.Y + (big.Height * 3 / 4)));
        AssertColour(Yellow, canvas.GetPixel(big.X + (big.Width * 3 / 4), big.Y + (big.Height * 3 / 4)));
    }

    [Theory]
    [InlineData(ScalerKind.Managed)]
    [InlineData(ScalerKind.Swscale)]
    public void WideSourcesAreCroppedToFillTheTileNotSquashed(ScalerKind scaler)
    {
        // 640x180 source: a red band on the left quarter, green elsewhere; a 16:9 tile shows the centre 320 columns.
        using var wide = Solid(Green, 640, 180);
        for (var y = 0; y < 180; y++)
        {
            wide.Y.Slice(y * wide.StrideY, 160).Fill(Red.Y);
            wide.U.Slice(y / 2 * wide.StrideUv, 80).Fill(Red.U);
            wide.V.Slice(y / 2 * wide.StrideUv, 80).Fill(Red.V);
        }

        using var compositor = new VideoCompositor(LayoutCatalogue.Get("grid-1x1"), options: s_plain with { BorderWidth = 0, Scaler = scaler });
        compositor.Compose([TileContent.Video(wide)]);
        AssertColour(Green, compositor.Canvas.GetPixel(4, 360));
        AssertColour(Green, compositor.Canvas.GetPixel(1275, 360));
    }

    [Theory]
    [InlineData(ScalerKind.Managed)]
    [InlineData(ScalerKind.Swscale)]
    public void InsetIsDrawnOverTheFloorTile(ScalerKind scaler)
    {
        using var compositor = new VideoCompositor(LayoutCatalogue.Get("pip"), options: s_plain with { Scaler = scaler });
        using var main = Solid(Blue);
        using var inset = Solid(Yellow);
        compositor.Compose([TileContent.Video(main), TileContent.Video(inset)]);

        var insetRect = compositor.TileRects[1];
        AssertColour(Yellow, compositor.Canvas.GetPixel(insetRect.CentreX, insetRect.CentreY));
        AssertColour(Blue, compositor.Canvas.GetPixel(320, 200));
    }

    [Fact]
    public void GapsOfSparseLayoutsShowTheBackgroundAndEmptySlotsToo()
    {
        using var compositor = new VideoCompositor(LayoutCatalogue.Get("side-by-side"), options: s_plain);
        using var red = Solid(Red);
        compositor.Compose([TileContent.Video(red)]);

        AssertColour(YuvColor.Black, compositor.Canvas.GetPixel(640, 40), 0);
        AssertColour(Red, compositor.Canvas.GetPixel(320, 360));
        AssertColour(YuvColor.Black, compositor.Canvas.GetPixel(960, 360), 0);
    }

    [Fact]
    public void BordersAreDrawnAndTheSpeakerIsHighlighted()
    {
        var options = s_plain with { BorderWidth = 2 };
        using var compositor = new VideoCompositor(LayoutCatalogue.Get("grid-2x2"), options: options);
        using var grey = Solid(Grey);
        compositor.Compose([TileContent.Video(grey, highlight: true), TileContent.Video(grey)]);

        AssertColour(options.HighlightBorder, compositor.Canvas.GetPixel(0, 100), 0);
        AssertColour(options.Border, compositor.Canvas.GetPixel(641, 100), 0);
        AssertColour(Grey, compositor.Canvas.GetPixel(645, 100));
    }

    [Fact]
    public void VideoOffTileShowsTheFillAndTheNameInWhite()
    {
        var options = CompositorOptions.Default;
        using var compositor = new VideoCompositor(LayoutCatalogue.Get("grid-2x2"), options: options);
        compositor.Compose([TileContent.Off("ALICE")]);

        var rect = compositor.TileRects[0];
        AssertColour(options.VideoOffFill, compositor.Canvas.GetPixel(rect.X + 20, rect.Y + 20), 0);
        var whiteRow = Enumerable.Range(rect.Y, rect.Height)
            .Count(y => Enumerable.Range(rect.X, rect.Width).Any(x => compositor.Canvas.GetPixel(x, y).Y == YuvColor.White.Y));
        Assert.Equal(7 * 4, whiteRow); // 7 font rows at scale 4 (640 px wide tile)
    }

    [Fact]
    public void NameLabelIsDrawnAtTheBottomLeftOfVideoTiles()
    {
        using var compositor = new VideoCompositor(LayoutCatalogue.Get("grid-2x2"));
        using var blue = Solid(Blue);
        compositor.Compose([TileContent.Video(blue, "BOB")]);

        var rect = compositor.TileRects[0];
        var bottomLeft = Enumerable.Range(rect.Y + rect.Height - 40, 40)
            .Sum(y => Enumerable.Range(rect.X, 100).Count(x => compositor.Canvas.GetPixel(x, y).Y == YuvColor.White.Y));
        Assert.True(bottomLeft > 20, "label text expected");
        AssertColour(Blue, compositor.Canvas.GetPixel(rect.CentreX, rect.CentreY));
    }

    [Fact]
    public void LayoutChangeTakesEffectAtTheNextFrame()
    {
        using var compositor = new VideoCompositor(LayoutCatalogue.Get("grid-1x1"), options: s_plain);
        using var red = Solid(Red);
        using var green = Solid(Green);
        TileContent[] tiles = [TileContent.Video(red), TileContent.Video(green)];
        compositor.Compose(tiles);

        compositor.SetLayout(LayoutCatalogue.Get("grid-2x2"));
        Assert.Equal("grid-1x1", compositor.Layout.Id);
        AssertColour(Red, compositor.Canvas.GetPixel(960, 180));

        compositor.Compose(tiles);
        Assert.Equal("grid-2x2", compositor.Layout.Id);
        AssertColour(Green, compositor.Canvas.GetPixel(960, 180));
    }

    [Fact]
    public void FullHdCanvasIsSupported()
    {
        using var compositor = new VideoCompositor(LayoutCatalogue.Get("one-plus-7"), 1920, 1080, s_plain);
        using var red = Solid(Red, 640, 360);
        compositor.Compose([TileContent.Video(red)]);
        AssertColour(Red, compositor.Canvas.GetPixel(700, 400));
        Assert.Throws<ArgumentException>(() => new VideoCompositor(LayoutCatalogue.Get("grid-1x1"), 1281, 720));
    }

    [Theory]
    [InlineData(ScalerKind.Managed)]
    [InlineData(ScalerKind.Swscale)]
    public void ComposingASteadyMeetingAllocatesNothing(ScalerKind scaler)
    {
        using var compositor = new VideoCompositor(LayoutCatalogue.Get("grid-10x10"), options: new CompositorOptions { Scaler = scaler });
        var frames = Enumerable.Range(0, 100).Select(i => Solid(Grey)).ToArray();
        var tiles = frames.Select((f, i) => i % 7 == 0 ? TileContent.Off($"P{i}") : TileContent.Video(f, $"P{i}")).ToArray();
        compositor.Compose(tiles); // warm up: scaler tables

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 5; i++)
        {
            compositor.Compose(tiles);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
