using Sparkle.Media.Codecs;
using Sparkle.Media.Jitter;

namespace Sparkle.Media.Mixing;

/// <summary>One participant in a conference mix: its receive path (jitter buffer and decoder), its
/// speaker detector, its controls and where its mix goes. Controls may be changed from any thread and
/// take effect on the next tick.</summary>
public sealed class MixerLeg : IDisposable
{
    private readonly LegAudioInput _input;
    private readonly Resampler _toMix;
    private readonly List<IAudioTap> _taps = [];
    private IAudioTap[] _tapSnapshot = [];
    private volatile bool _muted;
    private volatile bool _speakingAllowed = true;
    private volatile bool _receiving = true;
    private volatile bool _sending = true;
    private volatile bool _listening = true;
    private float _gain = 1f;
    private PrivatePlayback? _playback;
    private string[] _contributors = [];

    internal MixerLeg(string participantId, AudioCodec codec, IMixerLegSink sink, MixerOptions options)
    {
        ParticipantId = participantId;
        Trunk = sink as IMixerTrunkSink;
        Codec = codec;
        Sink = sink;
        _input = new LegAudioInput(codec);
        _toMix = new Resampler(codec.SampleRate(), MixerOptions.MixRate);
        Detector = new SpeakerDetector(options);
        Native = new short[_input.FrameSamples];
        Mix48 = new short[MixerOptions.MixFrameSamples];
        OwnEncoder = new MixEncoder(codec);
    }

    public string ParticipantId { get; }

    /// <summary>Set when this leg is a cascade trunk to another worker rather than a person: it is mixed like one
    /// (so each side hears the other's mix once, never its own voice back), but it is never reported as a speaker:
    /// the participants it names (<see cref="Contributors"/>) are.</summary>
    public IMixerTrunkSink? Trunk { get; }

    /// <summary>A trunk's contributing participants in what it last received, loudest first (empty for a person).
    /// Replaced as a whole, only when the list changes.</summary>
    public string[] Contributors { get => Volatile.Read(ref _contributors); set => Volatile.Write(ref _contributors, value); }
    public AudioCodec Codec { get; }
    public SpeakerDetector Detector { get; }
    public JitterStatistics JitterStatistics => _input.Jitter.Statistics;

    /// <summary>Opus packets left undecoded because their sender marked them as non-speech.</summary>
    public long DecodesSkipped => _input.DecodesSkipped;

    /// <summary>Muted by the chair or the participant: not mixed.</summary>
    public bool Muted { get => _muted; set => _muted = value; }

    /// <summary>Forbidden to speak (floor control): not mixed.</summary>
    public bool SpeakingAllowed { get => _speakingAllowed; set => _speakingAllowed = value; }

    /// <summary>Linear gain on what this leg contributes to the mix.</summary>
    public float Gain { get => Volatile.Read(ref _gain); set => Volatile.Write(ref _gain, Math.Clamp(value, 0f, 8f)); }

    /// <summary>False while the peer holds or sends nothing by SDP (recvonly/inactive on their side).</summary>
    public bool Receiving { get => _receiving; set => _receiving = value; }

    /// <summary>False while we must not send (peer on hold: sendonly towards us, or inactive).</summary>
    public bool Sending { get => _sending; set => _sending = value; }

    /// <summary>False while the meeting keeps this caller out of the conversation (a PIN lobby): it is
    /// sent no mix. Kept apart from <see cref="Sending"/>, which follows the SDP direction.</summary>
    public bool Listening { get => _listening; set => _listening = value; }

    /// <summary>The private replay this leg hears, or null.</summary>
    public PrivatePlayback? Playback => Volatile.Read(ref _playback);

    /// <summary>Plays audio into this leg only, over the meeting ducked by <see cref="MixerOptions.PlaybackDuckDb"/>;
    /// replaces a playback in progress. Dropped while the leg is sent nothing (lobby, hold). Any thread.</summary>
    public void PlayPrivately(PrivatePlayback playback) => Volatile.Write(ref _playback, playback);

    /// <summary>Stops a private playback (any thread).</summary>
    public void StopPlayback() => Volatile.Write(ref _playback, null);

    /// <summary>Ends <paramref name="playback"/> unless another replaced it meanwhile (mixer thread).</summary>
    internal void EndPlayback(PrivatePlayback playback) => Interlocked.CompareExchange(ref _playback, null, playback);

    internal IMixerLegSink Sink { get; }
    internal short[] Native { get; }
    internal short[] Mix48 { get; }
    internal MixEncoder OwnEncoder { get; }
    internal bool HadAudio { get; private set; }
    internal bool IsSpeaker { get; set; }
    internal bool IsSpeakerNext { get; set; }
    internal bool Eligible => !_muted && _speakingAllowed && _receiving;

    /// <summary>Queues a received audio payload (already SRTP-unprotected and checked).</summary>
    /// <paramref name="quiet"/>: the sender's RFC 6464 level says no speech, so it need not be decoded
    /// unless this leg is being heard.
    public bool Receive(ushort sequenceNumber, uint timestamp, ReadOnlySpan<byte> payload, long arrivalTicks, bool quiet = false) =>
        _input.Jitter.Push(sequenceNumber, timestamp, payload, arrivalTicks, quiet);

    public void AddTap(IAudioTap tap)
    {
        lock (_taps)
        {
            _taps.Add(tap);
            _tapSnapshot = [.. _taps];
        }
    }

    public void RemoveTap(IAudioTap tap)
    {
        lock (_taps)
        {
            _taps.Remove(tap);
            _tapSnapshot = [.. _taps];
        }
    }

    /// <summary>Pulls and decodes this tick's frame and updates the detector (mixer thread).</summary>
    internal void Pull()
    {
        if (!Eligible)
        {
            _input.Drain();
            HadAudio = false;
            Detector.Silence();
            return;
        }
        // A leg someone records (per-utterance recording) is decoded in full: packets its sender marked quiet
        // (Opus VAD, RFC 6464) may still hold a soft talker's words.
        var taps = _tapSnapshot;
        HadAudio = _input.ReadFrame(Native, mustDecode: IsSpeaker || taps.Length > 0);
        if (HadAudio)
        {
            Detector.Update(Native);
        }
        else
        {
            Detector.Silence();
        }
        foreach (var tap in taps)
        {
            tap.OnLegAudio(ParticipantId, Native, _input.SampleRate, Detector.Talking);
        }
    }

    /// <summary>Brings this frame to the mix rate with the leg's gain (only for selected speakers).</summary>
    internal void PrepareForMix(bool newlySelected)
    {
        if (newlySelected)
        {
            _toMix.Reset();
        }
        _toMix.Process(Native, Mix48);
        var gain = Gain;
        if (gain != 1f)
        {
            var mix = Mix48.AsSpan();
            for (var i = 0; i < mix.Length; i++)
            {
                mix[i] = (short)Math.Clamp(mix[i] * gain, short.MinValue, short.MaxValue);
            }
        }
    }

    public void Dispose()
    {
        _input.Dispose();
        OwnEncoder.Dispose();
    }
}
