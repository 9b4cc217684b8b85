using Sparkle.Video.Compositing;
using Sparkle.Video.Imaging;
using Sparkle.Video.Layouts;

namespace Sparkle.Video.Tests.Layouts;

public class ContactSheetTests
{
    [Fact]
    public void ContactSheetIsAValidPngThatFfmpegDecodesToTheRenderedPixels()
    {
        var image = ContactSheet.Render(LayoutCatalogue.All);
        var path = Path.Combine(Path.GetTempPath(), $"sheet-{Guid.NewGuid():N}.png");
        try
        {
            image.SavePng(path);
            var decoded = ExternalTools.DecodePngToRgb(path, image.Width, image.Height);
            Assert.Equal(image.Pixels, decoded);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void FloorTilesArePaintedDifferentlyFromOtherTiles()
    {
        var grid = LayoutCatalogue.Get("grid-2x2");
        var image = ContactSheet.Render([grid]);
        // Panel starts at (16,16) and is 384x216; sample the upper part of each tile, away from the numbers.
        var floor = image.GetPixel(16 + 20, 16 + 20);
        var other = image.GetPixel(16 + 192 + 20, 16 + 20);
        Assert.NotEqual(floor, other);
        Assert.True(floor.R > floor.B, "floor tiles are orange");
    }

    [Fact]
    public void I420SnapshotsConvertBackToTheirRgbColours()
    {
        using var frame = new I420Frame(4, 4);
        frame.Fill(YuvColor.FromRgb(200, 50, 100));
        var pixel = RgbImage.FromI420(frame).GetPixel(1, 1);
        Assert.InRange(pixel.R, 197, 203);
        Assert.InRange(pixel.G, 47, 53);
        Assert.InRange(pixel.B, 97, 103);
    }

    [Fact]
    public void SampleCompositeShowsTheVideoOffTileOfParticipantThree()
    {
        var image = SampleComposite.Render("grid-2x2", 640, 360);
        var off = CompositorOptions.Default.VideoOffFill;
        var expected = RgbImage.FromI420(Solid(off)).GetPixel(0, 0);
        // The speaker (participant 4) takes the floor slot, so participant 3 moves to the last slot.
        Assert.Equal(expected, image.GetPixel(340, 200));
    }

    private static I420Frame Solid(YuvColor colour)
    {
        var frame = new I420Frame(2, 2);
        frame.Fill(colour);
        return frame;
    }
}
