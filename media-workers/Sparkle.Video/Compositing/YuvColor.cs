namespace Sparkle.Video.Compositing;

/// <summary>A limited-range BT.601 colour, the space H.264/VP8 senders use by default.</summary>
public readonly record struct YuvColor(byte Y, byte U, byte V)
{
    public static YuvColor Black => new(16, 128, 128);

    public static YuvColor White => new(235, 128, 128);

    public static YuvColor FromRgb(byte r, byte g, byte b) => new(
        Clamp(((66 * r) + (129 * g) + (25 * b) + 128 >> 8) + 16),
        Clamp(((-38 * r) - (74 * g) + (112 * b) + 128 >> 8) + 128),
        Clamp(((112 * r) - (94 * g) - (18 * b) + 128 >> 8) + 128));

    /// <summary>True when every component is within <paramref name="tolerance"/> of the other colour.</summary>
    public bool IsClose(YuvColor other, int tolerance) =>
        Math.Abs(Y - other.Y) <= tolerance && Math.Abs(U - other.U) <= tolerance && Math.Abs(V - other.V) <= tolerance;

    private static byte Clamp(int value) => (byte)Math.Clamp(value, 0, 255);
}
