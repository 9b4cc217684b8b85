using System.Runtime.InteropServices;
using static Sparkle.Video.Codecs.Native.SwscaleNative;

namespace Sparkle.Video.Compositing;

/// <summary>
/// Tile scaling with libswscale: one cached context per slot, so a steady layout creates no
/// contexts after the first frame. The crop is applied by offsetting the source plane pointers.
/// </summary>
internal sealed unsafe class SwsTileScaler : ITileScaler
{
    private const int Yuv420P = 0;

    private nint[] _contexts = new nint[16];

    public SwsTileScaler() => Codecs.CodecLibraries.Initialise(); // keeps libav* logging to errors

    public static bool IsAvailable()
    {
        if (!NativeLibrary.TryLoad(Library, out var handle))
        {
            return false;
        }

        NativeLibrary.Free(handle);
        return true;
    }

    public void Scale(int slot, I420Frame source, I420Frame canvas, TileRect rect)
    {
        if (slot >= _contexts.Length)
        {
            Array.Resize(ref _contexts, Math.Max(slot + 1, _contexts.Length * 2));
        }

        var (cropX, cropY, cropWidth, cropHeight) = Crop(source.Width & ~1, source.Height & ~1, rect.Width, rect.Height);
        var shrinking = cropWidth > rect.Width;
        var context = sws_getCachedContext(
            _contexts[slot], cropWidth, cropHeight, Yuv420P, rect.Width, rect.Height, Yuv420P,
            shrinking ? FlagArea : FlagBilinear, 0, 0, null);
        if (context == 0)
        {
            throw new InvalidOperationException($"libswscale refused {cropWidth}x{cropHeight} -> {rect.Width}x{rect.Height}.");
        }

        _contexts[slot] = context;
        fixed (byte* sy = source.Y, su = source.U, sv = source.V, dy = canvas.Y, du = canvas.U, dv = canvas.V)
        {
            var chromaCrop = (cropY / 2 * source.StrideUv) + (cropX / 2);
            var sourcePlanes = stackalloc byte*[] { sy + (cropY * source.StrideY) + cropX, su + chromaCrop, sv + chromaCrop, null };
            var sourceStrides = stackalloc int[] { source.StrideY, source.StrideUv, source.StrideUv, 0 };
            var canvasChroma = (rect.Y / 2 * canvas.StrideUv) + (rect.X / 2);
            var destinationPlanes = stackalloc byte*[] { dy + (rect.Y * canvas.StrideY) + rect.X, du + canvasChroma, dv + canvasChroma, null };
            var destinationStrides = stackalloc int[] { canvas.StrideY, canvas.StrideUv, canvas.StrideUv, 0 };
            sws_scale(context, sourcePlanes, sourceStrides, 0, cropHeight, destinationPlanes, destinationStrides);
        }
    }

    public void Dispose()
    {
        for (var i = 0; i < _contexts.Length; i++)
        {
            if (_contexts[i] != 0)
            {
                sws_freeContext(_contexts[i]);
                _contexts[i] = 0;
            }
        }
    }

    /// <summary>Centre crop of the source to the tile's aspect ratio, on even coordinates.</summary>
    private static (int X, int Y, int Width, int Height) Crop(int width, int height, int tileWidth, int tileHeight)
    {
        int cropWidth = width, cropHeight = height;
        if ((long)width * tileHeight > (long)tileWidth * height)
        {
            cropWidth = Math.Max(2, (int)((long)height * tileWidth / tileHeight) & ~1);
        }
        else
        {
            cropHeight = Math.Max(2, (int)((long)width * tileHeight / tileWidth) & ~1);
        }

        return (((width - cropWidth) / 2) & ~1, ((height - cropHeight) / 2) & ~1, cropWidth, cropHeight);
    }
}
