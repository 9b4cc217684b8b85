using System.Runtime.InteropServices;
using static Sparkle.Video.Codecs.Native.SwscaleNative;

namespace Sparkle.Video.Compositing;

/// <summary>
/// Tile scaling with libswscale. Contexts are cached by geometry (a 10x10 grid of equal senders
/// needs one, not a hundred), so a steady layout creates none after its first frame. The crop is
/// applied by offsetting the source plane pointers.
/// </summary>
internal sealed unsafe class SwsTileScaler : ITileScaler
{
    private const int Yuv420P = 0;
    private const int MaxContexts = 32;

    private readonly List<(long Key, nint Context)> _contexts = [];

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

    public void Scale(I420Frame source, I420Frame canvas, TileRect rect)
    {
        var (cropX, cropY, cropWidth, cropHeight) = Crop(source.Width & ~1, source.Height & ~1, rect.Width, rect.Height);
        var context = ContextFor(cropWidth, cropHeight, rect.Width, rect.Height);
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
        foreach (var (_, context) in _contexts)
        {
            sws_freeContext(context);
        }

        _contexts.Clear();
    }

    private nint ContextFor(int sourceWidth, int sourceHeight, int width, int height)
    {
        // Sizes are at most 8192 (I420Frame) and 4096 (canvas): 16 bits each pack into one key.
        var key = ((long)sourceWidth << 48) | ((long)sourceHeight << 32) | ((long)width << 16) | (long)height;
        for (var i = 0; i < _contexts.Count; i++)
        {
            if (_contexts[i].Key == key)
            {
                return _contexts[i].Context;
            }
        }

        var flags = sourceWidth > width ? FlagArea : FlagBilinear;
        var context = sws_getCachedContext(0, sourceWidth, sourceHeight, Yuv420P, width, height, Yuv420P, flags, 0, 0, null);
        if (context == 0)
        {
            throw new InvalidOperationException($"libswscale refused {sourceWidth}x{sourceHeight} -> {width}x{height}.");
        }

        if (_contexts.Count == MaxContexts)
        {
            // Senders changing size all the time: drop the oldest geometry.
            sws_freeContext(_contexts[0].Context);
            _contexts.RemoveAt(0);
        }

        _contexts.Add((key, context));
        return context;
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
