using Sparkle.Video.Compositing;

namespace Sparkle.Video.Imaging;

/// <summary>A simple packed RGB24 canvas for diagrams (the layout contact sheet), not for the media path.</summary>
public sealed class RgbImage(int width, int height)
{
    public int Width { get; } = width;

    public int Height { get; } = height;

    public byte[] Pixels { get; } = new byte[width * height * 3];

    /// <summary>Converts a limited-range BT.601 I420 picture (for snapshots in docs and tests).</summary>
    public static RgbImage FromI420(I420Frame frame)
    {
        var image = new RgbImage(frame.Width, frame.Height);
        for (var y = 0; y < frame.Height; y++)
        {
            for (var x = 0; x < frame.Width; x++)
            {
                var (luma, u, v) = frame.GetPixel(x, y);
                var c = 298 * (luma - 16);
                var d = u - 128;
                var e = v - 128;
                image.SetPixel(x, y, new Rgb(
                    Clamp((c + (409 * e) + 128) >> 8),
                    Clamp((c - (100 * d) - (208 * e) + 128) >> 8),
                    Clamp((c + (516 * d) + 128) >> 8)));
            }
        }

        return image;
    }

    public void Fill(Rgb colour) => FillRect(0, 0, Width, Height, colour);

    public void FillRect(int x, int y, int width, int height, Rgb colour)
    {
        var x0 = Math.Max(0, x);
        var y0 = Math.Max(0, y);
        var x1 = Math.Min(Width, x + width);
        var y1 = Math.Min(Height, y + height);
        for (var row = y0; row < y1; row++)
        {
            for (var column = x0; column < x1; column++)
            {
                SetPixel(column, row, colour);
            }
        }
    }

    public void StrokeRect(int x, int y, int width, int height, int thickness, Rgb colour)
    {
        FillRect(x, y, width, thickness, colour);
        FillRect(x, y + height - thickness, width, thickness, colour);
        FillRect(x, y, thickness, height, colour);
        FillRect(x + width - thickness, y, thickness, height, colour);
    }

    public void DrawText(ReadOnlySpan<char> text, int x, int y, int scale, Rgb colour)
    {
        var target = new Target(this, colour);
        BitmapFont.Render(text, x, y, scale, ref target);
    }

    public Rgb GetPixel(int x, int y)
    {
        var i = ((y * Width) + x) * 3;
        return new Rgb(Pixels[i], Pixels[i + 1], Pixels[i + 2]);
    }

    public void SetPixel(int x, int y, Rgb colour)
    {
        if ((uint)x >= (uint)Width || (uint)y >= (uint)Height)
        {
            return;
        }

        var i = ((y * Width) + x) * 3;
        Pixels[i] = colour.R;
        Pixels[i + 1] = colour.G;
        Pixels[i + 2] = colour.B;
    }

    public void SavePng(string path)
    {
        using var file = File.Create(path);
        PngEncoder.WriteRgb(file, Pixels, Width, Height);
    }

    private static byte Clamp(int value) => (byte)Math.Clamp(value, 0, 255);

    private readonly struct Target(RgbImage image, Rgb colour) : IGlyphTarget
    {
        public void Plot(int x, int y) => image.SetPixel(x, y, colour);
    }
}
