using Sparkle.Video.Imaging;

namespace Sparkle.Video.Tests.Imaging;

public class BitmapFontTests
{
    private struct Recorder : IGlyphTarget
    {
        public HashSet<(int X, int Y)> Pixels;

        public void Plot(int x, int y) => Pixels.Add((x, y));
    }

    private static HashSet<(int X, int Y)> Render(string text, int scale = 1)
    {
        var recorder = new Recorder { Pixels = [] };
        BitmapFont.Render(text, 0, 0, scale, ref recorder);
        return recorder.Pixels;
    }

    [Fact]
    public void EveryPrintableAsciiCharacterDrawsInsideItsCell()
    {
        for (var c = '!'; c <= '~'; c++)
        {
            var pixels = Render(c.ToString());
            Assert.NotEmpty(pixels);
            Assert.All(pixels, p => Assert.True(p.X is >= 0 and < BitmapFont.GlyphWidth && p.Y is >= 0 and < BitmapFont.GlyphHeight, $"'{c}'"));
        }

        Assert.Empty(Render(" "));
    }

    [Fact]
    public void DigitsAndLettersHaveDistinctGlyphs()
    {
        var glyphs = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZx<>=+-".Select(c => string.Join(";", Render(c.ToString()).Order())).ToList();
        Assert.Equal(glyphs.Count, glyphs.Distinct().Count());
        Assert.Equal(Render("ALICE").Count, Render("alice").Count);
    }

    [Fact]
    public void ScaleAndAdvanceArePixelExact()
    {
        Assert.Equal(4 * Render("8").Count, Render("8", 2).Count);
        Assert.All(Render("11"), p => Assert.InRange(p.X, 0, BitmapFont.MeasureWidth("11", 1) - 1));
        Assert.Contains(Render("11"), p => p.X >= BitmapFont.Advance);
    }
}
