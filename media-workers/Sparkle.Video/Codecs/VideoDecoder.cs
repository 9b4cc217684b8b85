using System.Runtime.InteropServices;
using Sparkle.Video.Compositing;
using static Sparkle.Video.Codecs.Native.FfmpegNative;

namespace Sparkle.Video.Codecs;

/// <summary>
/// Decodes one sender's H.264 (Annex B access units) or VP8 frames through libavcodec (the VP8
/// path uses FFmpeg's libvpx wrapper). Bad input is reported as "no picture", never thrown.
/// </summary>
public sealed unsafe class VideoDecoder : IDisposable
{
    private nint _context;
    private nint _frame;
    private nint _next;
    private nint _packet;
    private byte* _input;
    private int _inputCapacity;

    public VideoDecoder(VideoCodec codec)
    {
        CodecLibraries.Initialise();
        Codec = codec;
        var decoder = codec == VideoCodec.H264 ? avcodec_find_decoder(CodecIdH264) : avcodec_find_decoder_by_name("libvpx");
        if (decoder == 0 && codec == VideoCodec.Vp8)
        {
            decoder = avcodec_find_decoder(CodecIdVp8);
        }

        if (decoder == 0)
        {
            throw new InvalidOperationException($"FFmpeg has no {codec} decoder.");
        }

        _context = avcodec_alloc_context3(decoder);
        // One thread and low delay: frame threading would hold pictures back by a frame per thread.
        Write(_context, ContextThreadCount, 1);
        Write(_context, ContextFlags, Read<int>(_context, ContextFlags) | FlagLowDelay);
        var result = avcodec_open2(_context, decoder, null);
        if (result < 0)
        {
            Dispose();
            throw new InvalidOperationException($"Opening the {codec} decoder failed: {ErrorText(result)}");
        }

        _frame = av_frame_alloc();
        _next = av_frame_alloc();
        _packet = av_packet_alloc();
        EnsureInput(64 * 1024);
    }

    public VideoCodec Codec { get; }

    public long FramesDecoded { get; private set; }

    public long Errors { get; private set; }

    /// <summary>
    /// Decodes one complete frame. On success <paramref name="picture"/> points into decoder-owned
    /// memory that stays valid until the next call (copy it, e.g. with <see cref="VideoMixer.PushFrame"/>).
    /// </summary>
    public bool Decode(ReadOnlySpan<byte> encodedFrame, out I420View picture)
    {
        picture = default;
        ObjectDisposedException.ThrowIf(_context == 0, this);
        if (encodedFrame.IsEmpty)
        {
            return false;
        }

        // libavcodec reads up to 64 bytes past the end: copy into a padded, zeroed buffer.
        EnsureInput(encodedFrame.Length + InputPaddingSize);
        encodedFrame.CopyTo(new Span<byte>(_input, encodedFrame.Length));
        new Span<byte>(_input + encodedFrame.Length, InputPaddingSize).Clear();
        Write(_packet, PacketData, (nint)_input);
        Write(_packet, PacketSize, encodedFrame.Length);

        var result = avcodec_send_packet(_context, _packet);
        Write(_packet, PacketData, (nint)0);
        Write(_packet, PacketSize, 0);
        if (result < 0 && result != ErrorAgain)
        {
            Errors++;
            return false;
        }

        // Low-delay streams give one picture per frame; keep the newest if more come out.
        // receive_frame clears its target first, so receive into a spare and swap on success.
        var got = false;
        while (avcodec_receive_frame(_context, _next) >= 0)
        {
            (_frame, _next) = (_next, _frame);
            var format = Read<int>(_frame, FrameFormat);
            got = format is PixelFormatYuv420P or PixelFormatYuvj420P;
        }

        if (!got)
        {
            return false;
        }

        var width = Read<int>(_frame, FrameWidth);
        var height = Read<int>(_frame, FrameHeight);
        var strideY = Read<int>(_frame, FrameLinesize);
        var strideUv = Read<int>(_frame, FrameLinesize + 4);
        picture = new I420View(
            new ReadOnlySpan<byte>((void*)Read<nint>(_frame, FrameData), strideY * height),
            strideY,
            new ReadOnlySpan<byte>((void*)Read<nint>(_frame, FrameData + 8), strideUv * ((height + 1) / 2)),
            new ReadOnlySpan<byte>((void*)Read<nint>(_frame, FrameData + 16), strideUv * ((height + 1) / 2)),
            strideUv,
            width,
            height);
        FramesDecoded++;
        return true;
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

        fixed (nint* next = &_next)
        {
            av_frame_free(next);
        }

        fixed (nint* packet = &_packet)
        {
            av_packet_free(packet);
        }

        if (_input is not null)
        {
            NativeMemory.AlignedFree(_input);
            _input = null;
        }
    }

    private void EnsureInput(int size)
    {
        if (size <= _inputCapacity)
        {
            return;
        }

        if (_input is not null)
        {
            NativeMemory.AlignedFree(_input);
        }

        _inputCapacity = Math.Max(size, _inputCapacity * 2);
        _input = (byte*)NativeMemory.AlignedAlloc((nuint)_inputCapacity, 64);
    }
}
