using System.Runtime.InteropServices;
using Sparkle.Video.Compositing;
using static Sparkle.Video.Codecs.Native.FfmpegNative;
using static Sparkle.Video.Codecs.Native.NativeStruct;

namespace Sparkle.Video.Codecs;

/// <summary>H.264 decoding (Annex B access units) with libavcodec.</summary>
internal sealed unsafe class AvCodecDecoder : IDecoderBackend
{
    private nint _context;
    private nint _frame;
    private nint _next;
    private nint _packet;
    private byte* _input;
    private int _inputCapacity;

    public AvCodecDecoder()
    {
        CodecLibraries.Initialise();
        var decoder = avcodec_find_decoder(CodecIdH264);
        if (decoder == 0)
        {
            throw new InvalidOperationException("FFmpeg has no H.264 decoder.");
        }

        _context = avcodec_alloc_context3(decoder);
        // One thread and low delay: frame threading would hold pictures back by a frame per thread.
        Write(_context, ContextThreadCount, 1);
        Write(_context, ContextFlags, Read<int>(_context, ContextFlags) | FlagLowDelay);
        var result = avcodec_open2(_context, decoder, null);
        if (result < 0)
        {
            Dispose();
            throw new InvalidOperationException($"Opening the H.264 decoder failed: {ErrorText(result)}");
        }

        _frame = av_frame_alloc();
        _next = av_frame_alloc();
        _packet = av_packet_alloc();
        EnsureInput(64 * 1024);
    }

    public bool Decode(ReadOnlySpan<byte> encodedFrame, out I420View picture)
    {
        picture = default;
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
