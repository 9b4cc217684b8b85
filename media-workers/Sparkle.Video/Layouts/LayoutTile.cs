namespace Sparkle.Video.Layouts;

/// <summary>
/// One slot of a layout: a rectangle normalised to the canvas (0..1 on both axes), drawn in
/// ascending <see cref="Z"/> order. A floor slot is where automatic mode puts the active speaker.
/// </summary>
public readonly record struct LayoutTile(int Index, double X, double Y, double Width, double Height, int Z, bool IsFloor)
{
    public double Right => X + Width;

    public double Bottom => Y + Height;

    public double Area => Width * Height;

    /// <summary>True when the two tiles share some area (touching edges do not count).</summary>
    public bool Overlaps(in LayoutTile other, double epsilon = 1e-9) =>
        X < other.Right - epsilon && other.X < Right - epsilon &&
        Y < other.Bottom - epsilon && other.Y < Bottom - epsilon;
}
