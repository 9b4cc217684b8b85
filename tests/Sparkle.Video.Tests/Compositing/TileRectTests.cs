using Sparkle.Video.Compositing;
using Sparkle.Video.Layouts;

namespace Sparkle.Video.Tests.Compositing;

public class TileRectTests
{
    public static TheoryData<string, int, int> LayoutsAndCanvases()
    {
        var data = new TheoryData<string, int, int>();
        foreach (var layout in LayoutCatalogue.All)
        {
            data.Add(layout.Id, 1280, 720);
            data.Add(layout.Id, 640, 360);
            data.Add(layout.Id, 1920, 1080);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(LayoutsAndCanvases))]
    public void PixelTilesAreEvenInsideTheCanvasAndDenseLayoutsLeaveNoGapLines(string id, int width, int height)
    {
        var layout = LayoutCatalogue.Get(id);
        var rects = layout.Tiles.Select(t => TileRect.FromLayout(t, width, height)).ToList();
        Assert.All(rects, r =>
        {
            Assert.True(r.X % 2 == 0 && r.Y % 2 == 0 && r.Width % 2 == 0 && r.Height % 2 == 0, $"{r} has odd edges");
            Assert.True(r.Width >= 2 && r.Height >= 2, $"{r} is empty");
            Assert.True(r.X + r.Width <= width && r.Y + r.Height <= height, $"{r} leaves the canvas");
        });

        if (layout.IsDense && !layout.AllowsOverlap)
        {
            // Shared edges round identically, so the pixel tiles partition the canvas exactly.
            Assert.Equal((long)width * height, rects.Sum(r => (long)r.Width * r.Height));
            var covered = new bool[width * height];
            foreach (var r in rects)
            {
                for (var y = r.Y; y < r.Y + r.Height; y += 2)
                {
                    for (var x = r.X; x < r.X + r.Width; x += 2)
                    {
                        Assert.False(covered[(y * width) + x], $"{id}: pixel {x},{y} painted twice");
                        covered[(y * width) + x] = true;
                    }
                }
            }
        }
    }
}
