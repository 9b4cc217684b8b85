using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Sparkle.Video.Compositing;

/// <summary>
/// Bilinear scaling of one 8-bit plane with a centre crop so the source fills the destination
/// without distortion. Coefficient tables are computed once per size change and reused.
/// </summary>
internal sealed class PlaneScaler
{
    private const int FractionBits = 8;
    private const int One = 1 << FractionBits;

    private int[] _x0 = [];
    private int[] _xFraction = [];
    private int[] _y0 = [];
    private int[] _yFraction = [];
    private int _sourceWidth = -1;
    private int _sourceHeight = -1;
    private int _destinationWidth = -1;
    private int _destinationHeight = -1;

    public void Configure(int sourceWidth, int sourceHeight, int destinationWidth, int destinationHeight)
    {
        if (sourceWidth == _sourceWidth && sourceHeight == _sourceHeight &&
            destinationWidth == _destinationWidth && destinationHeight == _destinationHeight)
        {
            return;
        }

        // Crop the source to the destination's aspect ratio (fill, not letterbox).
        long cropWidth = sourceWidth;
        long cropHeight = sourceHeight;
        if ((long)sourceWidth * destinationHeight > (long)destinationWidth * sourceHeight)
        {
            cropWidth = Math.Max(1, (long)sourceHeight * destinationWidth / destinationHeight);
        }
        else
        {
            cropHeight = Math.Max(1, (long)sourceWidth * destinationHeight / destinationWidth);
        }

        var cropX = (int)((sourceWidth - cropWidth) / 2);
        var cropY = (int)((sourceHeight - cropHeight) / 2);
        Build(ref _x0, ref _xFraction, destinationWidth, cropX, (int)cropWidth);
        Build(ref _y0, ref _yFraction, destinationHeight, cropY, (int)cropHeight);
        (_sourceWidth, _sourceHeight, _destinationWidth, _destinationHeight) = (sourceWidth, sourceHeight, destinationWidth, destinationHeight);
    }

    /// <summary>Scales with the configured sizes; <paramref name="destination"/> starts at the tile's top-left pixel.</summary>
    public void Scale(ReadOnlySpan<byte> source, int sourceStride, Span<byte> destination, int destinationStride)
    {
        var width = _destinationWidth;
        if (source.Length < ((_sourceHeight - 1) * sourceStride) + _sourceWidth ||
            destination.Length < ((_destinationHeight - 1) * destinationStride) + width)
        {
            throw new ArgumentException("Plane buffers are smaller than the configured sizes.");
        }

        ref var x0 = ref MemoryMarshal.GetArrayDataReference(_x0);
        ref var xf = ref MemoryMarshal.GetArrayDataReference(_xFraction);
        ref var src = ref MemoryMarshal.GetReference(source);
        ref var dst = ref MemoryMarshal.GetReference(destination);
        for (var row = 0; row < _destinationHeight; row++)
        {
            // The bounds were checked above for the whole plane, so the inner loop can skip them.
            ref var top = ref Unsafe.Add(ref src, _y0[row] * sourceStride);
            ref var bottom = ref Unsafe.Add(ref top, _y0[row] + 1 < _sourceHeight ? sourceStride : 0);
            ref var output = ref Unsafe.Add(ref dst, row * destinationStride);
            var fy = _yFraction[row];
            var gy = One - fy;
            for (var x = 0; x < width; x++)
            {
                var i = Unsafe.Add(ref x0, x);
                var f = Unsafe.Add(ref xf, x);
                var g = One - f;
                var a = (Unsafe.Add(ref top, i) * g) + (Unsafe.Add(ref top, i + 1) * f);
                var b = (Unsafe.Add(ref bottom, i) * g) + (Unsafe.Add(ref bottom, i + 1) * f);
                Unsafe.Add(ref output, x) = (byte)(((a * gy) + (b * fy) + (1 << 15)) >> 16);
            }
        }
    }

    private static void Build(ref int[] index, ref int[] fraction, int destinationSize, int cropStart, int cropSize)
    {
        if (index.Length < destinationSize)
        {
            index = new int[destinationSize];
            fraction = new int[destinationSize];
        }

        var last = cropStart + cropSize - 1;
        for (var d = 0; d < destinationSize; d++)
        {
            // Sample at pixel centres: s = (d + 0.5) * scale - 0.5, in fixed point.
            var position = ((((2L * d) + 1) * cropSize * One) / (2L * destinationSize)) - (One / 2);
            position = Math.Max(0, position);
            var whole = cropStart + (int)(position >> FractionBits);
            var part = (int)(position & (One - 1));
            if (whole >= last)
            {
                // Keep i + 1 inside the crop: sample the last pixel with full weight.
                whole = Math.Max(cropStart, last - 1);
                part = last > cropStart ? One : 0;
            }

            index[d] = whole;
            fraction[d] = part;
        }
    }
}
