namespace Sparkle.Video.Compositing;

/// <summary>A borrowed I420 picture with arbitrary strides, e.g. a decoder's output frame.</summary>
public readonly ref struct I420View(
    ReadOnlySpan<byte> y, int strideY, ReadOnlySpan<byte> u, ReadOnlySpan<byte> v, int strideUv, int width, int height)
{
    public ReadOnlySpan<byte> Y { get; } = y;

    public ReadOnlySpan<byte> U { get; } = u;

    public ReadOnlySpan<byte> V { get; } = v;

    public int StrideY { get; } = strideY;

    public int StrideUv { get; } = strideUv;

    public int Width { get; } = width;

    public int Height { get; } = height;
}
