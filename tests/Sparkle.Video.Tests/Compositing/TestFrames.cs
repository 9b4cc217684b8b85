using Sparkle.Video.Compositing;

namespace Sparkle.Video.Tests.Compositing;

internal static class TestFrames
{
    public static readonly YuvColor Red = YuvColor.FromRgb(220, 30, 30);
    public static readonly YuvColor Green = YuvColor.FromRgb(30, 200, 40);
    public static readonly YuvColor Blue = YuvColor.FromRgb(30, 40, 220);
    public static readonly YuvColor Yellow = YuvColor.FromRgb(230, 220, 20);
    public static readonly YuvColor Grey = YuvColor.FromRgb(128, 128, 128);

    public static I420Frame Solid(YuvColor colour, int width = 320, int height = 180)
    {
        var frame = new I420Frame(width, height);
        frame.Fill(colour);
        return frame;
    }

    /// <summary>Four quadrants: red top-left, green top-right, blue bottom-left, yellow bottom-right.</summary>
    public static I420Frame Quadrants(int width = 320, int height = 180)
    {
        var frame = new I420Frame(width, height);
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                var colour = (x < width / 2, y < height / 2) switch
                {
                    (true, true) => Red,
                    (false, true) => Green,
                    (true, false) => Blue,
                    _ => Yellow,
                };
                frame.Y[(y * frame.StrideY) + x] = colour.Y;
                frame.U[(y / 2 * frame.StrideUv) + (x / 2)] = colour.U;
                frame.V[(y / 2 * frame.StrideUv) + (x / 2)] = colour.V;
            }
        }

        return frame;
    }

    public static void AssertColour(YuvColor expected, YuvColor actual, int tolerance = 3, string? where = null) =>
        Assert.True(expected.IsClose(actual, tolerance), $"expected {expected} but found {actual} {where}");
}
