using Sparkle.Video.Codecs.Native;
using Sparkle.Video.Compositing;
using static Sparkle.Video.Codecs.Native.FfmpegNative;
using static Sparkle.Video.Codecs.Native.NativeStruct;

namespace Sparkle.Video.Codecs;

/// <summary>
/// Still pictures as baseline JPEG with libavcodec's MJPEG encoder, for the console's preview. The
/// compositor's canvas is limited-range BT.601 (Y 16..235); JPEG is full range (yuvj420p), so the planes are
/// stretched through a lookup table while they are copied into the encoder's frame. Not thread-safe: one
/// caller at a time (the preview grabber holds its own lock).
/// </summary>
public sealed unsafe class JpegEncoder : IDisposable
{
    private static readonly byte[] s_lumaToFull = BuildTable(16, 219, 0);
    private static readonly byte[] s_chromaToFull = BuildTable(128, 224, 128);

    private readonly int _quality;
    private nint _context;
    private nint _frame;
    private nint _packet;
    private long _pts;

    /// <param name="quality">The MJPEG quantiser scale, as ffmpeg's <c>-q:v</c>: 2 (best) .. 31 (smallest).</param>
    public JpegEncoder(int width, int height, int quality = 5)
    {
        if (width <= 0 || height <= 0 || (width & 1) != 0 || (height & 1) != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(width), "JPEG previews need a positive, even size.");
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(quality, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(quality, 31);
        CodecLibraries.Initialise();
        Width = width;
        Height = height;
        _quality = quality;
        var codec = avcodec_find_encoder(CodecIdMjpeg);
        if (codec == 0)
        {
            throw new InvalidOperationException("FFmpeg has no MJPEG encoder.");
        }

        _context = avcodec_alloc_context3(codec);
        Write(_context, ContextWidth, width);
        Write(_context, ContextHeight, height);
        Write(_context, ContextPixelFormat, PixelFormatYuvj420P);
        Write(_context, ContextColorRange, ColorRangeJpeg);
        Write(_context, ContextTimeBase, 1);
        Write(_context, ContextTimeBase + 4, 1);
        // A fixed quantiser rather than a bitrate: every preview has the same quality.
        Write(_context, ContextFlags, Read<int>(_context, ContextFlags) | CodecFlagQscale);
        Write(_context, ContextGlobalQuality, quality * LambdaPerQp);
        Write(_context, ContextThreadCount, 1);
        var result = avcodec_open2(_context, codec, null);
        if (result < 0)
        {
            Dispose();
            throw new InvalidOperationException($"Opening the MJPEG encoder failed: {ErrorText(result)}");
        }

        _frame = av_frame_alloc();
        Write(_frame, FrameWidth, width);
        Write(_frame, FrameHeight, height);
        Write(_frame, FrameFormat, PixelFormatYuvj420P);
        Write(_frame, FrameColorRange, ColorRangeJpeg);
        if ((result = av_frame_get_buffer(_frame, 32)) < 0)
        {
            Dispose();
            throw new InvalidOperationException($"Allocating a JPEG frame failed: {ErrorText(result)}");
        }

        _packet = av_packet_alloc();
    }

    public int Width { get; }

    public int Height { get; }

    /// <summary>Encodes one picture of exactly <see cref="Width"/> x <see cref="Height"/> to a new JPEG file's bytes.</summary>
    public byte[] Encode(in I420View picture)
    {
        if (picture.Width != Width || picture.Height != Height)
        {
            throw new ArgumentException($"The encoder takes {Width}x{Height}, not {picture.Width}x{picture.Height}.", nameof(picture));
        }

        var result = av_frame_make_writable(_frame);
        if (result < 0)
        {
            throw new InvalidOperationException($"av_frame_make_writable: {ErrorText(result)}");
        }

        CopyPlane(picture.Y, picture.StrideY, 0, Width, Height, s_lumaToFull);
        CopyPlane(picture.U, picture.StrideUv, 1, Width / 2, Height / 2, s_chromaToFull);
        CopyPlane(picture.V, picture.StrideUv, 2, Width / 2, Height / 2, s_chromaToFull);
        Write(_frame, FrameQuality, _quality * LambdaPerQp);
        Write(_frame, FramePts, _pts++); // the encoder refuses a pts that does not increase
        if ((result = avcodec_send_frame(_context, _frame)) < 0)
        {
            throw new InvalidOperationException($"avcodec_send_frame: {ErrorText(result)}");
        }

        if ((result = avcodec_receive_packet(_context, _packet)) < 0)
        {
            throw new InvalidOperationException($"avcodec_receive_packet: {ErrorText(result)}");
        }

        try
        {
            var size = Read<int>(_packet, PacketSize);
            var data = Read<nint>(_packet, PacketData);
            return new ReadOnlySpan<byte>((void*)data, size).ToArray();
        }
        finally
        {
            av_packet_unref(_packet);
        }
    }

    public void Dispose()
    {
        fixed (nint* context = &_context)
        {
            avcodec_free_context(context);
        }

        fixed (nint* frame = &_frame)
        {
            av_frame_free(frame);
        }

        fixed (nint* packet = &_packet)
        {
            av_packet_free(packet);
        }
    }

    private void CopyPlane(ReadOnlySpan<byte> source, int sourceStride, int plane, int width, int height, byte[] table)
    {
        var data = Read<nint>(_frame, FrameData + (plane * sizeof(nint)));
        var stride = Read<int>(_frame, FrameLinesize + (plane * sizeof(int)));
        for (var row = 0; row < height; row++)
        {
            var from = source.Slice(row * sourceStride, width);
            var to = new Span<byte>((void*)(data + (row * stride)), width);
            for (var x = 0; x < from.Length; x++)
            {
                to[x] = table[from[x]];
            }
        }
    }

    /// <summary>Limited range (offset, span) to full range around <paramref name="centre"/>.</summary>
    private static byte[] BuildTable(int offset, int span, int centre)
    {
        var table = new byte[256];
        for (var value = 0; value < 256; value++)
        {
            var full = centre == 0
                ? ((value - offset) * 255.0 / span)
                : centre + ((value - offset) * 255.0 / span);
            table[value] = (byte)Math.Clamp((int)Math.Round(full), 0, 255);
        }

        return table;
    }
}
