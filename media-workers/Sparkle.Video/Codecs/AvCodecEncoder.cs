using Sparkle.Video.Codecs.Native;
using Sparkle.Video.Compositing;
using static Sparkle.Video.Codecs.Native.FfmpegNative;
using static Sparkle.Video.Codecs.Native.NativeStruct;

namespace Sparkle.Video.Codecs;

/// <summary>
/// H.264 encoding with libx264 through libavcodec, tuned for conferencing: ultrafast,
/// zerolatency, constrained baseline, no B-frames. Output is Annex B with SPS/PPS repeated
/// before every key frame, so a receiver can start at any key frame.
/// </summary>
internal sealed unsafe class AvCodecEncoder : IEncoderBackend
{
    private nint _context;
    private nint _frame;
    private nint _packet;
    private byte[] _output = new byte[64 * 1024];
    private int _outputLength;
    private long _pts;

    public AvCodecEncoder(VideoEncoderSettings settings)
    {
        CodecLibraries.Initialise();
        Settings = settings;
        const string name = "libx264";
        var codec = avcodec_find_encoder_by_name(name);
        if (codec == 0)
        {
            throw new InvalidOperationException($"FFmpeg has no {name} encoder.");
        }

        _context = avcodec_alloc_context3(codec);
        Write(_context, ContextWidth, settings.Width);
        Write(_context, ContextHeight, settings.Height);
        Write(_context, ContextPixelFormat, PixelFormatYuv420P);
        Write(_context, ContextTimeBase, 1);
        Write(_context, ContextTimeBase + 4, settings.FramesPerSecond);
        Write(_context, ContextFramerate, settings.FramesPerSecond);
        Write(_context, ContextFramerate + 4, 1);
        Write(_context, ContextBitRate, settings.BitrateKbps * 1000L);
        Write(_context, ContextRcMaxRate, settings.BitrateKbps * 1000L);
        Write(_context, ContextRcBufferSize, settings.BitrateKbps * 1000 / 2);
        Write(_context, ContextGopSize, settings.KeyFrameInterval);
        Write(_context, ContextMaxBFrames, 0);
        Write(_context, ContextThreadCount, settings.Threads);

        nint options = 0;
        av_dict_set(&options, "preset", "ultrafast", 0);
        av_dict_set(&options, "tune", "zerolatency", 0);
        av_dict_set(&options, "profile", "baseline", 0);
        av_dict_set(&options, "forced-idr", "1", 0);
        if (settings.MaxNalSize > 0)
        {
            av_dict_set(&options, "x264-params", $"slice-max-size={settings.MaxNalSize}", 0);
        }

        var result = avcodec_open2(_context, codec, &options);
        av_dict_free(&options);
        if (result < 0)
        {
            Dispose();
            throw new InvalidOperationException($"Opening {name} failed: {ErrorText(result)}");
        }

        _frame = av_frame_alloc();
        Write(_frame, FrameWidth, settings.Width);
        Write(_frame, FrameHeight, settings.Height);
        Write(_frame, FrameFormat, PixelFormatYuv420P);
        if ((result = av_frame_get_buffer(_frame, 32)) < 0)
        {
            Dispose();
            throw new InvalidOperationException($"Allocating an encoder frame failed: {ErrorText(result)}");
        }

        _packet = av_packet_alloc();
    }

    public VideoEncoderSettings Settings { get; }

    public ReadOnlySpan<byte> Output => _output.AsSpan(0, _outputLength);

    public bool OutputIsKeyFrame { get; private set; }

    public bool Encode(in I420View picture, bool forceKeyFrame)
    {
        // The encoder may still reference the previous frame's buffer; this copies only if so.
        var result = av_frame_make_writable(_frame);
        if (result < 0)
        {
            throw new InvalidOperationException($"av_frame_make_writable: {ErrorText(result)}");
        }

        CopyPlane(picture.Y, picture.StrideY, 0, Settings.Width, Settings.Height);
        CopyPlane(picture.U, picture.StrideUv, 1, Settings.Width / 2, Settings.Height / 2);
        CopyPlane(picture.V, picture.StrideUv, 2, Settings.Width / 2, Settings.Height / 2);
        Write(_frame, FramePts, _pts++);
        Write(_frame, FramePictType, forceKeyFrame ? PictureTypeI : PictureTypeNone);

        if ((result = avcodec_send_frame(_context, _frame)) < 0)
        {
            throw new InvalidOperationException($"avcodec_send_frame: {ErrorText(result)}");
        }

        _outputLength = 0;
        OutputIsKeyFrame = false;
        while ((result = avcodec_receive_packet(_context, _packet)) >= 0)
        {
            Append(_packet);
            av_packet_unref(_packet);
        }

        if (result != ErrorAgain)
        {
            throw new InvalidOperationException($"avcodec_receive_packet: {ErrorText(result)}");
        }

        return _outputLength > 0;
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

    private void CopyPlane(ReadOnlySpan<byte> source, int sourceStride, int plane, int width, int height)
    {
        var data = Read<nint>(_frame, FrameData + (plane * sizeof(nint)));
        var stride = Read<int>(_frame, FrameLinesize + (plane * sizeof(int)));
        var destination = new Span<byte>((void*)data, stride * height);
        I420Frame.CopyPlane(source, sourceStride, destination, stride, width, height);
    }

    private void Append(nint packet)
    {
        var size = Read<int>(packet, PacketSize);
        var data = Read<nint>(packet, PacketData);
        if (_outputLength + size > _output.Length)
        {
            Array.Resize(ref _output, Math.Max(_output.Length * 2, _outputLength + size));
        }

        new ReadOnlySpan<byte>((void*)data, size).CopyTo(_output.AsSpan(_outputLength));
        _outputLength += size;
        OutputIsKeyFrame |= (Read<int>(packet, PacketFlags) & PacketFlagKey) != 0;
    }
}
