using Sparkle.Video.Layouts;

namespace Sparkle.Video.Compositing;

/// <summary>A tile in canvas pixels; every edge is even so the chroma planes line up exactly.</summary>
public readonly record struct TileRect(int X, int Y, int Width, int Height)
{
    public static TileRect FromLayout(in LayoutTile tile, int canvasWidth, int canvasHeight)
    {
        var x0 = Even(tile.X * canvasWidth);
        var y0 = Even(tile.Y * canvasHeight);
        var x1 = Math.Min(canvasWidth & ~1, Even(tile.Right * canvasWidth));
        var y1 = Math.Min(canvasHeight & ~1, Even(tile.Bottom * canvasHeight));
        return new TileRect(x0, y0, Math.Max(0, x1 - x0), Math.Max(0, y1 - y0));
    }

    public int CentreX => X + (Width / 2);

    public int CentreY => Y + (Height / 2);

    private static int Even(double value) => (int)Math.Round(value / 2, MidpointRounding.AwayFromZero) * 2;
}
