using System.Buffers;

namespace Sparkle.Video.Compositing;

/// <summary>
/// An owned planar YUV 4:2:0 picture with tightly packed planes in one pooled buffer. Reused from
/// frame to frame (the compositor canvas, a participant's last decoded picture).
/// </summary>
public sealed class I420Frame : IDisposable
{
    private byte[] _buffer;

    public I420Frame(int width, int height)
    {
        ValidateSize(width, height);
        _buffer = ArrayPool<byte>.Shared.Rent(BufferSize(width, height));
        SetSize(width, height);
    }

    public int Width { get; private set; }

    public int Height { get; private set; }

    public int StrideY => Width;

    public int StrideUv => (Width + 1) / 2;

    public int ChromaHeight => (Height + 1) / 2;

    public Span<byte> Y => _buffer.AsSpan(0, Width * Height);

    public Span<byte> U => _buffer.AsSpan(Width * Height, StrideUv * ChromaHeight);

    public Span<byte> V => _buffer.AsSpan((Width * Height) + (StrideUv * ChromaHeight), StrideUv * ChromaHeight);

    /// <summary>Timestamp of the picture in the sender's clock, for callers that care.</summary>
    public long Timestamp { get; set; }

    public I420View AsView() => new(Y, StrideY, U, V, StrideUv, Width, Height);

    /// <summary>Changes the picture size, growing the buffer only when it is too small.</summary>
    public void Resize(int width, int height)
    {
        ValidateSize(width, height);
        var size = BufferSize(width, height);
        if (_buffer.Length < size)
        {
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = ArrayPool<byte>.Shared.Rent(size);
        }

        SetSize(width, height);
    }

    /// <summary>Copies a picture (any strides) into this frame, resizing it to match.</summary>
    public void CopyFrom(in I420View source)
    {
        Resize(source.Width, source.Height);
        CopyPlane(source.Y, source.StrideY, Y, StrideY, Width, Height);
        CopyPlane(source.U, source.StrideUv, U, StrideUv, StrideUv, ChromaHeight);
        CopyPlane(source.V, source.StrideUv, V, StrideUv, StrideUv, ChromaHeight);
    }

    public void Fill(YuvColor colour)
    {
        Y.Fill(colour.Y);
        U.Fill(colour.U);
        V.Fill(colour.V);
    }

    public YuvColor GetPixel(int x, int y) =>
        new(Y[(y * StrideY) + x], U[(y / 2 * StrideUv) + (x / 2)], V[(y / 2 * StrideUv) + (x / 2)]);

    public void Dispose()
    {
        if (_buffer.Length != 0)
        {
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = [];
        }
    }

    internal static void CopyPlane(ReadOnlySpan<byte> source, int sourceStride, Span<byte> destination, int destinationStride, int width, int height)
    {
        for (var row = 0; row < height; row++)
        {
            source.Slice(row * sourceStride, width).CopyTo(destination.Slice(row * destinationStride, width));
        }
    }

    private static int BufferSize(int width, int height) => (width * height) + (2 * ((width + 1) / 2) * ((height + 1) / 2));

    private static void ValidateSize(int width, int height)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 2);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 2);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(width, 8192);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(height, 8192);
    }

    private void SetSize(int width, int height)
    {
        Width = width;
        Height = height;
    }
}
