using System.Buffers.Binary;
using Sparkle.Media.Recording.Native;
using Sparkle.Video.Codecs;
using static Sparkle.Media.Recording.Native.AvFormatNative;

namespace Sparkle.Media.Recording;

/// <summary>A muxer over libavformat: one file, an Opus audio stream and/or one video stream (H.264 or VP8),
/// encoded packets in, a complete file out. Audio timestamps are in 48 kHz samples, video in 90 kHz ticks,
/// both from 0 at the file's start. Used on one thread (the recorder's); not for the media threads.</summary>
public sealed unsafe class MediaFileWriter : IDisposable
{
    /// <summary>Opus' encoder delay at 48 kHz (libopus' lookahead for VoIP/audio): players skip it.</summary>
    public const int OpusPreSkip = 312;

    private static int s_logLevelSet;
    private readonly RecordingContainer _container;
    private nint _context;
    private nint _packet;
    private nint _audio;
    private nint _video;
    private bool _headerWritten;
    private bool _finished;
    private long _lastAudioPts = long.MinValue;
    private long _lastVideoPts = long.MinValue;

    public MediaFileWriter(string path, RecordingContainer container)
    {
        if (Interlocked.Exchange(ref s_logLevelSet, 1) == 0)
        {
            av_log_set_level(LogLevelError); // FFmpeg writes to stderr, never to our logs
        }
        Path = path;
        _container = container;
        nint context;
        var error = avformat_alloc_output_context2(&context, 0, container.FormatName(), path);
        if (error < 0 || context == 0)
        {
            throw new InvalidOperationException($"avformat_alloc_output_context2({container.FormatName()}): {ErrorText(error)}");
        }
        _context = context;
        _packet = av_packet_alloc();
    }

    public string Path { get; }
    public bool HasAudio => _audio != 0;
    public bool HasVideo => _video != 0;

    /// <summary>Payload bytes written so far (the container adds a few percent).</summary>
    public long BytesWritten { get; private set; }

    public string ContentType => _container.ContentType(HasVideo);

    /// <summary>An Opus stream at 48 kHz; the OpusHead (RFC 7845) is its extradata, which Ogg, MP4 (dOps)
    /// and WebM (CodecPrivate) all need. <paramref name="inputSampleRate"/> is informational (what was encoded).</summary>
    public void AddOpusAudio(int channels, int inputSampleRate = 48000)
    {
        EnsureNotStarted();
        _audio = NewStream(MediaTypeAudio, CodecIdOpus, 48000);
        var parameters = Read<nint>(_audio, StreamCodecParameters);
        Write(parameters, ParametersSampleRate, 48000);
        Write(parameters, ParametersInitialPadding, OpusPreSkip);
        av_channel_layout_default(parameters + ParametersChannelLayout, channels);
        Span<byte> head = stackalloc byte[19];
        "OpusHead"u8.CopyTo(head);
        head[8] = 1; // version
        head[9] = (byte)channels;
        BinaryPrimitives.WriteUInt16LittleEndian(head[10..], OpusPreSkip);
        BinaryPrimitives.WriteUInt32LittleEndian(head[12..], (uint)inputSampleRate);
        BinaryPrimitives.WriteInt16LittleEndian(head[16..], 0); // output gain
        head[18] = 0; // channel mapping family 0: mono or stereo
        SetExtradata(parameters, head);
    }

    /// <summary>A video stream. H.264 wants its SPS and PPS (Annex B) as <paramref name="extradata"/>: MP4's
    /// avcC is written in the header, before any frame.</summary>
    public void AddVideo(VideoCodec codec, int width, int height, ReadOnlySpan<byte> extradata)
    {
        EnsureNotStarted();
        _video = NewStream(MediaTypeVideo, codec == VideoCodec.H264 ? CodecIdH264 : CodecIdVp8, 90000);
        var parameters = Read<nint>(_video, StreamCodecParameters);
        Write(parameters, ParametersWidth, width);
        Write(parameters, ParametersHeight, height);
        if (!extradata.IsEmpty)
        {
            SetExtradata(parameters, extradata);
        }
    }

    /// <summary>Opens the file and writes the header.</summary>
    public void Begin()
    {
        EnsureNotStarted();
        var format = Read<nint>(_context, FormatContextOutputFormat);
        if ((Read<int>(format, OutputFormatFlags) & FormatFlagNoFile) == 0)
        {
            nint io;
            var opened = avio_open(&io, Path, IoFlagWrite);
            if (opened < 0)
            {
                throw new IOException($"Cannot open {Path}: {ErrorText(opened)}");
            }
            Write(_context, FormatContextPb, io);
        }
        nint options = 0;
        // What the muxer finished (a fragment, a cluster, a page) goes to disk at once rather than when
        // libavformat's 32 KiB buffer fills: a crash loses at most the fragment under way.
        av_dict_set(&options, "flush_packets", "1", 0);
        if (_container == RecordingContainer.FragmentedMp4)
        {
            av_dict_set(&options, "movflags", "frag_keyframe+empty_moov+default_base_moof", 0);
        }
        var error = avformat_write_header(_context, &options);
        av_dict_free(&options);
        if (error < 0)
        {
            throw new IOException($"Cannot write the header of {Path}: {ErrorText(error)}");
        }
        _headerWritten = true;
    }

    /// <summary>One Opus packet; <paramref name="pts"/> in 48 kHz samples from the file's start.</summary>
    public void WriteAudio(ReadOnlySpan<byte> packet, long pts, int durationSamples)
    {
        if (_audio == 0 || pts <= _lastAudioPts)
        {
            return; // a muxer rejects timestamps that do not increase
        }
        _lastAudioPts = pts;
        WritePacket(_audio, packet, pts, durationSamples, 48000, key: true);
    }

    /// <summary>One encoded access unit; <paramref name="pts90k"/> in 90 kHz ticks from the file's start.</summary>
    public void WriteVideo(ReadOnlySpan<byte> accessUnit, long pts90k, bool keyFrame)
    {
        if (_video == 0 || pts90k <= _lastVideoPts)
        {
            return;
        }
        _lastVideoPts = pts90k;
        WritePacket(_video, accessUnit, pts90k, 0, 90000, keyFrame);
    }

    private void WritePacket(nint stream, ReadOnlySpan<byte> data, long pts, long duration, int rate, bool key)
    {
        if (!_headerWritten || _finished || data.IsEmpty)
        {
            return;
        }
        // The muxer chose its own time base in the header; timestamps are rescaled to it.
        var timeBase = Read<(int Num, int Den)>(stream, StreamTimeBase);
        fixed (byte* bytes = data)
        {
            Write(_packet, PacketData, (nint)bytes);
            Write(_packet, PacketSize, data.Length);
            Write(_packet, PacketStreamIndex, Read<int>(stream, StreamIndex));
            var scaled = Rescale(pts, rate, timeBase);
            Write(_packet, PacketPts, scaled);
            Write(_packet, PacketDts, scaled);
            Write(_packet, PacketDuration, duration == 0 ? 0 : Rescale(duration, rate, timeBase));
            Write(_packet, PacketFlags, key ? PacketFlagKey : 0);
            // The packet is not reference-counted: libavformat copies what it keeps for interleaving.
            var error = av_interleaved_write_frame(_context, _packet);
            if (error < 0)
            {
                throw new IOException($"Writing {Path} failed: {ErrorText(error)}");
            }
        }
        BytesWritten += data.Length;
    }

    private static long Rescale(long value, int rate, (int Num, int Den) timeBase) =>
        (long)Math.Round((double)value * timeBase.Den / ((double)rate * timeBase.Num));

    /// <summary>Writes the trailer and closes the file.</summary>
    public void Finish()
    {
        if (_finished)
        {
            return;
        }
        _finished = true;
        if (_headerWritten)
        {
            var error = av_write_trailer(_context);
            CloseIo();
            if (error < 0)
            {
                throw new IOException($"Cannot finish {Path}: {ErrorText(error)}");
            }
        }
    }

    private nint NewStream(int type, int codecId, int timeBase)
    {
        var stream = avformat_new_stream(_context, 0);
        if (stream == 0)
        {
            throw new InvalidOperationException("avformat_new_stream failed");
        }
        var parameters = Read<nint>(stream, StreamCodecParameters);
        Write(parameters, ParametersCodecType, type);
        Write(parameters, ParametersCodecId, codecId);
        Write(stream, StreamTimeBase, (1, timeBase)); // a hint; the muxer may choose another
        return stream;
    }

    private static void SetExtradata(nint parameters, ReadOnlySpan<byte> data)
    {
        // libavformat frees it with the context: it must come from av_malloc, padded.
        var buffer = av_mallocz((nuint)(data.Length + InputPaddingSize));
        data.CopyTo(new Span<byte>((void*)buffer, data.Length));
        Write(parameters, ParametersExtradata, buffer);
        Write(parameters, ParametersExtradataSize, data.Length);
    }

    private void EnsureNotStarted()
    {
        if (_headerWritten)
        {
            throw new InvalidOperationException("The header is already written.");
        }
    }

    private void CloseIo()
    {
        var io = Read<nint>(_context, FormatContextPb);
        if (io != 0)
        {
            avio_closep((nint*)(_context + FormatContextPb));
        }
    }

    public void Dispose()
    {
        if (_context == 0)
        {
            return;
        }
        CloseIo();
        avformat_free_context(_context);
        _context = 0;
        var packet = _packet;
        av_packet_free(&packet);
        _packet = 0;
    }
}
