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
}
