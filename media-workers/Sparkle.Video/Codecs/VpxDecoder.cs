using Sparkle.Video.Compositing;
using static Sparkle.Video.Codecs.Native.NativeStruct;
using static Sparkle.Video.Codecs.Native.VpxNative;

namespace Sparkle.Video.Codecs;

/// <summary>VP8 decoding with libvpx directly (one thread; senders are small pictures).</summary>
internal sealed unsafe class VpxDecoder : IDecoderBackend
{
    private nint _context;
    private nint _config;

    public VpxDecoder()
    {
        _config = AllocZeroed(DecoderConfigSize);
        Write(_config, DecoderConfigThreads, 1u);
        _context = AllocZeroed(ContextSize);
        var result = vpx_codec_dec_init_ver(_context, vpx_codec_vp8_dx(), _config, 0, DecoderAbiVersion);
        if (result != 0)
        {
            Free(ref _context);
            Free(ref _config);
            throw new InvalidOperationException($"vpx_codec_dec_init_ver: {ErrorText(result)}");
        }
    }

    public bool Decode(ReadOnlySpan<byte> encodedFrame, out I420View picture)
    {
        picture = default;
        fixed (byte* data = encodedFrame)
        {
            if (vpx_codec_decode(_context, data, (uint)encodedFrame.Length, 0, 0) != 0)
            {
                return false;
            }
        }

        nint iterator = 0;
        nint image = 0;
        nint next;
        while ((next = vpx_codec_get_frame(_context, &iterator)) != 0)
        {
            image = next;
        }

        if (image == 0 || Read<int>(image, ImageFormat) != ImageFormatI420)
        {
            return false;
        }

        var width = (int)Read<uint>(image, ImageDisplayWidth);
        var height = (int)Read<uint>(image, ImageDisplayHeight);
        var strideY = Read<int>(image, ImageStrides);
        var strideUv = Read<int>(image, ImageStrides + 4);
        var chromaRows = (height + 1) / 2;
        picture = new I420View(
            new ReadOnlySpan<byte>((void*)Read<nint>(image, ImagePlanes), strideY * height),
            strideY,
            new ReadOnlySpan<byte>((void*)Read<nint>(image, ImagePlanes + 8), strideUv * chromaRows),
            new ReadOnlySpan<byte>((void*)Read<nint>(image, ImagePlanes + 16), strideUv * chromaRows),
            strideUv,
            width,
            height);
        return true;
    }

    public void Dispose()
    {
        if (_context != 0)
        {
            vpx_codec_destroy(_context);
            Free(ref _context);
        }

        Free(ref _config);
    }
}
