using Sparkle.Media.Codecs;
using Sparkle.Media.Jitter;

namespace Sparkle.Media.Mixing;

/// <summary>A leg's receive side after RTP: the jitter buffer, the decoder with its concealment, and a
/// small PCM queue that turns packets of any duration into 20 ms frames at the codec rate.</summary>
internal sealed class LegAudioInput : IDisposable
{
    private const int MaxDecodedSamples = 5760; // 120 ms at 48 kHz, Opus' longest packet

    private readonly IAudioDecoder _decoder;
    private readonly byte[] _packet = new byte[1500];
    private readonly byte[] _next = new byte[1500];
    private readonly short[] _decoded = new short[MaxDecodedSamples];
    private readonly short[] _queue;
    private readonly byte[] _skipped = new byte[1500];
    private int _skippedLength;
    private int _queued;
    private int _lastPacketSamples;

    public LegAudioInput(AudioCodec codec)
    {
        Codec = codec;
        SampleRate = codec.SampleRate();
        FrameSamples = SampleRate / 1000 * MixerOptions.FrameMs;
        _lastPacketSamples = FrameSamples;
        Jitter = new JitterBuffer(codec.RtpClockRate());
        _decoder = codec.CreateDecoder();
        _queue = new short[MaxDecodedSamples + FrameSamples];
    }

    public AudioCodec Codec { get; }
    public int SampleRate { get; }
    public int FrameSamples { get; }
    public JitterBuffer Jitter { get; }

    /// <summary>Packets not decoded because the sender marked them silent (Opus VAD bit, RFC 6464 level).</summary>
    public long DecodesSkipped { get; private set; }

    /// <summary>Fills one frame; returns false when it is plain silence (nothing received to play).
    /// Unless <paramref name="mustDecode"/> (the leg is being heard), Opus packets the sender marked as
    /// non-speech are not decoded: most of a large meeting is quiet, and decoding is the main cost.</summary>
    public bool ReadFrame(Span<short> frame, bool mustDecode = true)
    {
        var audible = _queued > 0;
        while (_queued < FrameSamples)
        {
            var result = Jitter.Pop(_packet, out var length, out _, out var quiet);
            int samples;
            if (result == JitterResult.Packet && !mustDecode && IsSkippable(_packet.AsSpan(0, length), quiet))
            {
                // Keep the packet: decoding it just before the next speech primes the decoder's state.
                _packet.AsSpan(0, length).CopyTo(_skipped);
                _skippedLength = length;
                DecodesSkipped++;
                break;
            }
            if (result == JitterResult.Packet)
            {
                if (_skippedLength > 0)
                {
                    _decoder.Decode(_skipped.AsSpan(0, _skippedLength), _decoded);
                    _skippedLength = 0;
                }
                samples = _decoder.Decode(_packet.AsSpan(0, length), _decoded);
                if (samples <= 0)
                {
                    samples = _decoder.Conceal(_decoded, _lastPacketSamples, default);
                }
                else
                {
                    _lastPacketSamples = Math.Min(samples, MaxDecodedSamples);
                }
            }
            else if (result == JitterResult.Lost && !mustDecode && _skippedLength > 0)
            {
                break; // a gap in a stream we are not listening to: nothing to conceal
            }
            else if (result == JitterResult.Lost)
            {
                var next = Jitter.TryPeekNext(_next, out var nextLength) ? _next.AsSpan(0, nextLength) : default;
                samples = _decoder.Conceal(_decoded, _lastPacketSamples, next);
            }
            else
            {
                break;
            }
            samples = Math.Clamp(samples, 0, _queue.Length - _queued);
            _decoded.AsSpan(0, samples).CopyTo(_queue.AsSpan(_queued));
            _queued += samples;
            audible = true;
        }
        var take = Math.Min(_queued, FrameSamples);
        _queue.AsSpan(0, take).CopyTo(frame);
        frame[take..FrameSamples].Clear();
        _queue.AsSpan(take, _queued - take).CopyTo(_queue);
        _queued -= take;
        return audible;
    }

    /// <summary>A packet the sender marked as non-speech: Opus' own VAD bit, or an RFC 6464 level for the
    /// codecs whose decoders keep no state between packets (G.722's ADPCM does; it is always decoded).</summary>
    private bool IsSkippable(ReadOnlySpan<byte> packet, bool quiet) => Codec switch
    {
        AudioCodec.Opus => quiet || OpusPacket.IsMarkedSilent(packet),
        AudioCodec.Pcmu or AudioCodec.Pcma => quiet,
        _ => false,
    };

    /// <summary>Discards what arrived without decoding (a muted leg), keeping the buffer from filling.</summary>
    public void Drain()
    {
        while (Jitter.Pop(_packet, out _, out _) == JitterResult.Packet)
        {
        }
        _queued = 0;
    }

    public void Dispose() => _decoder.Dispose();
}
