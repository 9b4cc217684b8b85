using Sparkle.Media.Codecs;

namespace Sparkle.Media.Mixing;

/// <summary>The audio mix of one conference, advanced by <see cref="Tick"/> every 20 ms:
/// every leg's frame is pulled and scored; the loudest few eligible talkers are mixed at 48 kHz; each
/// speaker hears the mix minus itself (its own encoder); everyone else hears the full mix, encoded once
/// per codec and shared. Muted and forbidden legs never enter the mix. A leg with a private replay
/// (<see cref="MixerLeg.PlayPrivately"/>) gets its own encode: the meeting ducked with the replay on top. A tick
/// allocates nothing unless the set of active speakers changes.</summary>
public sealed class ConferenceMixer : IDisposable
{
    private const int CodecCount = 4;

    private readonly MixerOptions _options;
    // A monitor, not Lock: waiting on it allocates nothing (media-workers/ARCHITECTURE.md, "Locks").
    private readonly object _tickLock = new();
    private readonly MixEncoder?[] _shared = new MixEncoder?[CodecCount];
    private readonly bool[] _sharedReady = new bool[CodecCount];
    private readonly int[] _sum = new int[MixerOptions.MixFrameSamples];
    private readonly short[] _mix = new short[MixerOptions.MixFrameSamples];
    private readonly short[] _minus = new short[MixerOptions.MixFrameSamples];
    private readonly float _duck;
    private readonly MixerLeg[] _speakers;
    private MixerLeg[] _legs = [];
    private MixerLeg?[] _ranked = [];
    private IAudioTap[] _taps = [];
    private string[] _reported = [];
    private readonly List<string> _speaking = new(2 * MixContributors.Max);
    private readonly MixContributors _contributors = new();
    private int _speakerCount;

    public ConferenceMixer(MixerOptions? options = null)
    {
        _options = options ?? new MixerOptions();
        _speakers = new MixerLeg[_options.MaxSpeakers];
        _duck = (float)Math.Pow(10, Math.Min(0, _options.PlaybackDuckDb) / 20);
    }

    /// <summary>Raised (on the mixer thread) when the set of mixed speakers or the loudest one changes;
    /// the list is loudest first.</summary>
    public event Action<IReadOnlyList<string>>? ActiveSpeakersChanged;

    public IReadOnlyList<string> ActiveSpeakers => Volatile.Read(ref _reported);

    public IReadOnlyList<MixerLeg> Legs => Volatile.Read(ref _legs);

    public long Ticks { get; private set; }

    public MixerLeg AddLeg(string participantId, AudioCodec codec, IMixerLegSink sink)
    {
        var leg = new MixerLeg(participantId, codec, sink, _options);
        lock (_tickLock)
        {
            _legs = [.. _legs, leg];
            _ranked = new MixerLeg?[_legs.Length];
        }
        return leg;
    }

    /// <summary>Removes and disposes a leg; waits for a running tick to finish.</summary>
    public bool RemoveLeg(MixerLeg leg)
    {
        lock (_tickLock)
        {
            if (Array.IndexOf(_legs, leg) < 0)
            {
                return false;
            }
            _legs = _legs.Where(l => l != leg).ToArray();
            _ranked = new MixerLeg?[_legs.Length];
            leg.Dispose();
        }
        return true;
    }

    public void AddTap(IAudioTap tap)
    {
        lock (_tickLock)
        {
            _taps = [.. _taps, tap];
        }
    }

    public void RemoveTap(IAudioTap tap)
    {
        lock (_tickLock)
        {
            _taps = _taps.Where(t => t != tap).ToArray();
        }
    }

    /// <summary>One 20 ms cycle: pull, detect, mix, encode and deliver.</summary>
    public void Tick()
    {
        string[]? changed;
        lock (_tickLock)
        {
            var legs = _legs;
            foreach (var leg in legs)
            {
                leg.Pull();
            }
            SelectSpeakers(legs);
            MixSpeakers();
            foreach (var tap in _taps)
            {
                tap.OnConferenceMix(_mix, MixerOptions.MixRate);
            }
            Deliver(legs);
            changed = SpeakersChanged();
            Ticks++;
        }
        if (changed is not null)
        {
            ActiveSpeakersChanged?.Invoke(changed);
        }
    }

    private void SelectSpeakers(MixerLeg[] legs)
    {
        var candidates = 0;
        foreach (var leg in legs)
        {
            if (leg.Eligible && leg.HadAudio && leg.Detector.Talking)
            {
                _ranked[candidates++] = leg;
            }
        }
        // Partial selection sort: only the top few matter.
        var take = Math.Min(candidates, _speakers.Length);
        for (var i = 0; i < take; i++)
        {
            var best = i;
            for (var j = i + 1; j < candidates; j++)
            {
                if (Rank(_ranked[j]!) > Rank(_ranked[best]!))
                {
                    best = j;
                }
            }
            (_ranked[i], _ranked[best]) = (_ranked[best], _ranked[i]);
        }
        foreach (var leg in legs)
        {
            leg.IsSpeakerNext = false;
        }
        for (var i = 0; i < take; i++)
        {
            _ranked[i]!.IsSpeakerNext = true;
        }
        _speakerCount = take;
        for (var i = 0; i < take; i++)
        {
            var leg = _ranked[i]!;
            _speakers[i] = leg;
            leg.PrepareForMix(newlySelected: !leg.IsSpeaker);
        }
        foreach (var leg in legs)
        {
            leg.IsSpeaker = leg.IsSpeakerNext;
        }
        Array.Clear(_ranked);
    }

    private double Rank(MixerLeg leg) => leg.Detector.Score * (leg.IsSpeaker ? _options.SpeakerStickiness : 1.0);

    private void MixSpeakers()
    {
        Array.Clear(_sum);
        for (var s = 0; s < _speakerCount; s++)
        {
            var frame = _speakers[s].Mix48;
            for (var i = 0; i < _sum.Length; i++)
            {
                _sum[i] += frame[i];
            }
        }
        for (var i = 0; i < _sum.Length; i++)
        {
            _mix[i] = Saturate(_sum[i]);
        }
        Array.Clear(_sharedReady);
    }

    private void Deliver(MixerLeg[] legs)
    {
        foreach (var leg in legs)
        {
            var playback = leg.Playback;
            if (!leg.Sending || !leg.Listening)
            {
                if (playback is not null)
                {
                    leg.EndPlayback(playback); // a leg kept out (lobby) or on hold hears no replay, now or later
                }
                continue;
            }
            if (playback is not null)
            {
                // A private replay: this leg's own encode, the meeting (minus itself) ducked, the clip on top.
                // The shared encodes never carry it, so no one else hears it.
                DeliverWithPlayback(leg, playback);
            }
            else if (leg.IsSpeaker)
            {
                // The mix minus this speaker's own voice.
                var own = leg.Mix48;
                for (var i = 0; i < _sum.Length; i++)
                {
                    _minus[i] = Saturate(_sum[i] - own[i]);
                }
                var payload = leg.OwnEncoder.Encode(_minus);
                Send(leg, payload, leg.OwnEncoder.RtpTicks);
            }
            else
            {
                var codec = (int)leg.Codec;
                var shared = _shared[codec] ??= new MixEncoder(leg.Codec);
                if (!_sharedReady[codec])
                {
                    shared.Encode(_mix);
                    _sharedReady[codec] = true;
                }
                Send(leg, shared.LastPayload, shared.RtpTicks);
            }
        }
    }

    private void Send(MixerLeg leg, ReadOnlySpan<byte> payload, uint rtpTicks)
    {
        if (leg.Trunk is not { } trunk)
        {
            leg.Sink.SendFrame(payload, rtpTicks);
            return;
        }
        // Who is in what this trunk gets: every speaker but itself, a trunk speaker by the people it carries.
        _contributors.Clear();
        for (var s = 0; s < _speakerCount; s++)
        {
            var speaker = _speakers[s];
            if (speaker == leg)
            {
                continue;
            }
            var level = MixContributors.ToLevel(speaker.Detector.LevelDbov);
            if (speaker.Trunk is null)
            {
                _contributors.Add(speaker.ParticipantId, level);
                continue;
            }
            foreach (var id in speaker.Contributors)
            {
                _contributors.Add(id, level);
            }
        }
        trunk.SendMix(payload, rtpTicks, _contributors);
    }

    private void DeliverWithPlayback(MixerLeg leg, PrivatePlayback playback)
    {
        var own = leg.IsSpeaker ? leg.Mix48 : null;
        var clip = playback.Pcm;
        var position = playback.Position;
        var available = Math.Clamp(playback.Length - position, 0, _sum.Length);
        for (var i = 0; i < _sum.Length; i++)
        {
            var meeting = own is null ? _sum[i] : _sum[i] - own[i];
            var sample = (int)(meeting * _duck) + (i < available ? clip[position + i] : 0);
            _minus[i] = Saturate(sample);
        }
        playback.Position = position + available;
        if (playback.Finished)
        {
            leg.EndPlayback(playback);
        }
        var payload = leg.OwnEncoder.Encode(_minus);
        leg.Sink.SendFrame(payload, leg.OwnEncoder.RtpTicks);
    }

    private string[]? SpeakersChanged()
    {
        // People, not trunks: a trunk speaker stands for the participants it says are in its mix.
        _speaking.Clear();
        for (var s = 0; s < _speakerCount; s++)
        {
            var speaker = _speakers[s];
            if (speaker.Trunk is null)
            {
                AddSpeaking(speaker.ParticipantId);
                continue;
            }
            foreach (var id in speaker.Contributors)
            {
                AddSpeaking(id);
            }
        }
        var reported = _reported;
        var same = reported.Length == _speaking.Count;
        if (same && _speaking.Count > 0)
        {
            // Loudest first must match; the rest only as a set.
            same = reported[0] == _speaking[0];
            for (var i = 1; same && i < _speaking.Count; i++)
            {
                same = Array.IndexOf(reported, _speaking[i]) >= 0;
            }
        }
        if (same)
        {
            return null;
        }
        var now = _speaking.ToArray();
        Volatile.Write(ref _reported, now);
        return now;
    }

    private void AddSpeaking(string participantId)
    {
        if (_speaking.Count < _speaking.Capacity && !_speaking.Contains(participantId))
        {
            _speaking.Add(participantId);
        }
    }

    private static short Saturate(int value) => (short)Math.Clamp(value, short.MinValue, short.MaxValue);

    public void Dispose()
    {
        lock (_tickLock)
        {
            foreach (var leg in _legs)
            {
                leg.Dispose();
            }
            _legs = [];
            foreach (var encoder in _shared)
            {
                encoder?.Dispose();
            }
        }
    }
}
