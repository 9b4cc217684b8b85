using System.Net;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Sparkle.Grains;
using Sparkle.Grains.Media;
using Sparkle.Grains.Meetings;
using Sparkle.Media.Mixing;
using Sparkle.Media.Recording;
using Sparkle.Media.Transport;
using Sparkle.Media.WebRtc;
using Sparkle.Media.Video;
using Sparkle.MediaWorker.Replay;
using Sparkle.MediaWorker.Telemetry;

namespace Sparkle.MediaWorker.Engine;

/// <summary>The worker's implementation of <see cref="IMediaWorker"/>: legs (sockets, SDP, SRTP), one
/// audio conference mixer per meeting, all driven by one mixer clock, and one video conference per meeting
/// with video (its own thread). Meeting grains call it through an Orleans object reference; it reports
/// back through <see cref="IMediaEventSink"/>.</summary>
public sealed partial class MediaEngine : IMediaWorker, IAsyncDisposable
{
    private readonly MediaWorkerOptions _options;
    private readonly IMediaEventSink _events;
    private readonly IRecordingStore _recordings;
    private readonly IClipSource? _clips;
    private readonly ILogger<MediaEngine> _logger;
    private readonly RtpPortAllocator _ports;
    private readonly MixerClock _clock;
    private readonly WorkerMetrics _metrics;
    private DateTime _lastQualitySample = DateTime.UtcNow;
    private readonly Lock _lock = new();
    private readonly Dictionary<Guid, MeetingMedia> _meetings = [];
    /// <summary>Null when video is off (configuration, or codec libraries missing): video is then rejected.</summary>
    private readonly VideoConferenceOptions? _videoOptions;
    private static readonly TimeSpan s_summaryEvery = TimeSpan.FromMinutes(1);
    private int _activeLegs;
    private DateTime _lastSummary = DateTime.UtcNow;

    public MediaEngine(IOptions<MediaWorkerOptions> options, IMediaEventSink events, ILogger<MediaEngine> logger, IRecordingStore? recordings = null,
        IClipSource? clips = null)
    {
        _options = options.Value;
        if (!IPAddress.TryParse(_options.MediaAddress, out var announced) || announced.Equals(IPAddress.Any) || announced.Equals(IPAddress.IPv6Any))
        {
            // c=0.0.0.0 in an answer would put every caller on hold.
            throw new InvalidOperationException($"Media:AnnounceAddress must be a concrete IP address (got '{_options.MediaAddress}').");
        }
        _events = events;
        _logger = logger;
        _recordings = recordings ?? new DiscardingRecordingStore(logger);
        _clips = clips;
        _ports = new RtpPortAllocator(IPAddress.Parse(_options.Address), _options.RtpPortMin, _options.RtpPortMax);
        _metrics = new WorkerMetrics(() => ActiveLegs, () => ActiveMeetings);
        _clock = new MixerClock(_metrics.MixerTick);
        _clock.TickFailed += (_, e) => _logger.LogError(e, "A mixer tick failed");
        _clock.Stalled += behind => _logger.LogWarning("The mixer clock woke {Seconds:F1} s late (the process was frozen): media held until the registry confirms this worker's legs", behind.TotalSeconds);
        _clock.Start();
        _videoOptions = CreateVideoOptions();
    }

    public int ActiveLegs => Volatile.Read(ref _activeLegs);

    /// <summary>This engine's meter (legs, tick time, leg quality).</summary>
    public System.Diagnostics.Metrics.Meter Meter => _metrics.Meter;

    /// <summary>Time the mixer thread has spent mixing since start.</summary>
    public TimeSpan MixerBusyTime => _clock.BusyTime;

    /// <summary>Updated by the registration service (CPU of the whole process, 0..1 of all cores).</summary>
    public double CpuLoad { get; set; }

    /// <summary>Meetings with media here now.</summary>
    public int ActiveMeetings
    {
        get
        {
            lock (_lock)
            {
                return _meetings.Count;
            }
        }
    }

    /// <summary>This process: the registry tells a restarted worker (same id, new instance) from one that re-registers.</summary>
    public Guid InstanceId { get; } = Guid.NewGuid();

    /// <summary>The generation the registry last gave this worker (0 before the first registration).</summary>
    public long Generation { get; set; }

    public MediaWorkerInfo Describe() =>
        new(_options.WorkerId, _options.MediaAddress, _options.CapacityLegs, ActiveLegs, CpuLoad, DateTimeOffset.UtcNow,
            BuildVersion.Of(typeof(MediaEngine)), ActiveMeetings, InstanceId, Generation);

    /// <summary>Mixing is held after the process was frozen, until the registration confirms which legs are still ours.</summary>
    public bool MediaHeld => _clock.Held;

    public void ReleaseMedia() => _clock.Release();

    /// <summary>Set by the registration service: from then on a frozen process holds its media when it wakes.</summary>
    public void HoldMediaAfterStalls() => _clock.HoldOnStall = true;

    /// <summary>Every meeting with media here and the participants whose legs it holds.</summary>
    public IReadOnlyList<(Guid MeetingId, IReadOnlyList<string> ParticipantIds)> Holdings()
    {
        lock (_lock)
        {
            return [.. _meetings.Values.Select(m => (m.MeetingId, (IReadOnlyList<string>)[.. m.Legs.Keys]))];
        }
    }

    public Task<MediaWorkerInfo> PingAsync() => Task.FromResult(Describe());

    public Task ControlLegAsync(Guid meetingId, string participantId, LegControl control)
    {
        ArgumentNullException.ThrowIfNull(control);
        lock (_lock)
        {
            if (_meetings.TryGetValue(meetingId, out var meeting) && meeting.Legs.TryGetValue(participantId ?? "", out var leg))
            {
                leg.Control = control;
                ApplyControl(meeting, leg);
            }
        }
        return Task.CompletedTask;
    }

    public Task<LegQuality?> GetLegQualityAsync(Guid meetingId, string participantId)
    {
        lock (_lock)
        {
            return Task.FromResult(_meetings.TryGetValue(meetingId, out var meeting) && meeting.Legs.TryGetValue(participantId ?? "", out var leg)
                ? LegQualityReader.Read(leg)
                : null);
        }
    }

    public async Task ReleaseLegAsync(Guid meetingId, string participantId)
    {
        LegState? leg;
        MeetingMedia? emptied = null;
        lock (_lock)
        {
            if (!_meetings.TryGetValue(meetingId, out var meeting) || !meeting.Legs.Remove(participantId ?? "", out leg))
            {
                return;
            }
            _activeLegs--;
            if (meeting.Empty)
            {
                _meetings.Remove(meetingId);
                emptied = meeting;
            }
            Detach(meeting, leg);
        }
        await DisposeTransportsAsync(leg);
        if (emptied is not null)
        {
            DisposeMeeting(emptied);
        }
        _logger.LogInformation("Meeting {MeetingId}: leg {ParticipantId} released", meetingId, participantId);
    }

    public async Task ReleaseMeetingAsync(Guid meetingId)
    {
        MeetingMedia? meeting;
        List<LegState> legs;
        List<TrunkEnd> trunks;
        lock (_lock)
        {
            _layouts.Remove(meetingId);
            if (!_meetings.Remove(meetingId, out meeting))
            {
                return;
            }
            legs = [.. meeting.Legs.Values];
            meeting.Legs.Clear();
            trunks = [.. meeting.Trunks.Values];
            meeting.Trunks.Clear();
            foreach (var trunk in trunks)
            {
                meeting.Mixer.RemoveLeg(trunk.MixerLeg);
            }
            _activeLegs -= legs.Count;
            foreach (var leg in legs)
            {
                Detach(meeting, leg);
            }
        }
        foreach (var leg in legs)
        {
            await DisposeTransportsAsync(leg);
        }
        foreach (var trunk in trunks)
        {
            await trunk.Transport.DisposeAsync();
        }
        DisposeMeeting(meeting);
        _logger.LogInformation("Meeting {MeetingId}: released with {Count} legs", meetingId, legs.Count);
    }

    /// <summary>RTCP reports and silence detection; call about twice a second.</summary>
    public void Housekeeping()
    {
        if (DateTime.UtcNow - _lastSummary > s_summaryEvery)
        {
            _lastSummary = DateTime.UtcNow;
            LogSummary();
        }
        var silentAfter = TimeSpan.FromSeconds(_options.SilentAfterSeconds);
        List<(Guid Meeting, LegState Leg)> legs;
        lock (_lock)
        {
            legs = [.. _meetings.Values.SelectMany(m => m.Legs.Values.Where(l => l.Started).Select(l => (m.MeetingId, l)))];
        }
        TrunkHousekeeping();
        if (DateTime.UtcNow - _lastQualitySample >= WorkerMetrics.QualityEvery)
        {
            _lastQualitySample = DateTime.UtcNow;
            SampleLegQuality(legs.Select(l => l.Leg));
        }
        foreach (var (meetingId, leg) in legs)
        {
            leg.Transport.Housekeeping();
            if (leg.VideoStarted)
            {
                leg.Video?.Housekeeping();
            }
            var quiet = leg.Transport.SinceLastPacket;
            if (!leg.ReportedSilent && quiet > silentAfter)
            {
                leg.ReportedSilent = true;
                _events.Publish(new MediaEvent(meetingId, leg.ParticipantId, MediaEventKind.LegSilent,
                    $"no media for {(int)quiet.TotalSeconds} s"));
            }
            else if (leg.ReportedSilent && quiet < TimeSpan.FromSeconds(1))
            {
                leg.ReportedSilent = false;
                _events.Publish(new MediaEvent(meetingId, leg.ParticipantId, MediaEventKind.LegResumed, null));
            }
        }
    }

    /// <summary>Records one loss and one jitter sample for every started leg that received media since the
    /// last sample (housekeeping calls it every <see cref="WorkerMetrics.QualityEvery"/>).</summary>
    public void SampleLegQuality()
    {
        List<LegState> legs;
        lock (_lock)
        {
            legs = [.. _meetings.Values.SelectMany(m => m.Legs.Values.Where(l => l.Started))];
        }
        SampleLegQuality(legs);
    }

    private void SampleLegQuality(IEnumerable<LegState> legs)
    {
        foreach (var leg in legs)
        {
            var stats = leg.Transport.ReceiveStats;
            if (leg.Quality.SampleLoss(stats) is { } loss)
            {
                _metrics.Loss.Record(loss);
                _metrics.Jitter.Record(stats.JitterMilliseconds / 1000.0);
            }
        }
    }

    /// <summary>Opus packets of quiet legs left undecoded, over all current legs.</summary>
    public long DecodesSkipped
    {
        get
        {
            lock (_lock)
            {
                return _meetings.Values.SelectMany(m => m.Legs.Values).Sum(l => l.MixerLeg?.DecodesSkipped ?? 0);
            }
        }
    }

    /// <summary>Statistics of every leg, for logs and the benchmark.</summary>
    public IReadOnlyList<(Guid MeetingId, string ParticipantId, AudioLegTransport Transport)> Snapshot()
    {
        lock (_lock)
        {
            return [.. _meetings.Values.SelectMany(m => m.Legs.Values.Select(l => (m.MeetingId, l.ParticipantId, l.Transport)))];
        }
    }

    public async ValueTask DisposeAsync()
    {
        List<Guid> meetings;
        lock (_lock)
        {
            meetings = [.. _meetings.Keys];
        }
        foreach (var id in meetings)
        {
            await ReleaseMeetingAsync(id);
        }
        _clock.Dispose();
        _metrics.Dispose();
    }

    /// <summary>One line per meeting for operators: legs, what arrives, and how the network treats it.</summary>
    private void LogSummary()
    {
        List<(Guid Id, IReadOnlyList<string> Speakers, List<AudioLegTransport> Legs, VideoConference? Video, List<WebRtcBundle> Bundles)> meetings;
        lock (_lock)
        {
            meetings = [.. _meetings.Values.Select(m => (m.MeetingId, m.Mixer.ActiveSpeakers, m.Legs.Values.Select(l => l.Transport).ToList(), m.Video,
                m.Legs.Values.Where(l => l.WebRtc is not null).Select(l => l.WebRtc!).ToList()))];
        }
        foreach (var (id, speakers, legs, video, bundles) in meetings)
        {
            if (video is not null)
            {
                LogVideoSummary(id, video);
            }
            if (bundles.Count > 0)
            {
                _logger.LogInformation(
                    "Meeting {MeetingId}: {Count} WebRTC legs, STUN answered {Answered} dropped {Dropped} (bad integrity {BadIntegrity}, unknown user {UnknownUser}), DTLS from unchecked addresses {Unverified}, media before keys {BeforeKeys}, SRTCP refused {RtcpRefused}",
                    id, bundles.Count, bundles.Sum(b => b.Counters.StunAnswered), bundles.Sum(b => b.Counters.StunDropped),
                    bundles.Sum(b => b.IceCounters.BadIntegrity), bundles.Sum(b => b.IceCounters.UnknownUser), bundles.Sum(b => b.Counters.DtlsFromUnverified),
                    bundles.Sum(b => b.Counters.MediaBeforeKeys), bundles.Sum(b => b.Counters.RtcpRefused));
            }
            var worstLoss = legs.Count == 0 ? 0 : legs.Max(l => l.RemoteReport?.FractionLost ?? 0) / 2.56;
            var worstJitter = legs.Count == 0 ? 0 : legs.Max(l => l.ReceiveStats.JitterMilliseconds);
            if (legs.FirstOrDefault(l => l.LastError is not null) is { } failing)
            {
                _logger.LogError(failing.LastError, "Meeting {MeetingId}: {Count} packets hit an error on the receive path", id, legs.Sum(l => l.Counters.Errors));
            }
            _logger.LogInformation(
                "Meeting {MeetingId}: {Legs} legs, speakers [{Speakers}], rtp in {In} out {Out}, garbage {Garbage}, srtp failures {Auth}, foreign {Foreign}, worst loss reported by a peer {Loss:F1}%, worst jitter {Jitter:F1} ms",
                id, legs.Count, string.Join(",", speakers), legs.Sum(l => l.Counters.RtpReceived), legs.Sum(l => l.Counters.RtpSent),
                legs.Sum(l => l.Counters.Garbage), legs.Sum(l => l.Counters.AuthenticationFailures + l.Counters.Replays),
                legs.Sum(l => l.Counters.Foreign), worstLoss, worstJitter);
        }
    }

    private MeetingMedia GetOrCreateMeeting(Guid meetingId)
    {
        if (_meetings.TryGetValue(meetingId, out var meeting))
        {
            return meeting;
        }
        var mixer = new ConferenceMixer(new MixerOptions { MaxSpeakers = Math.Max(1, _options.MaxSpeakers) });
        var created = meeting = new MeetingMedia(meetingId, mixer);
        mixer.ActiveSpeakersChanged += speakers =>
        {
            _events.Publish(new MediaEvent(meetingId, null, MediaEventKind.ActiveSpeakers, string.Join(",", speakers)));
            // Automatic layouts: the loudest speaker takes the floor slot (after the floor hold time).
            created.Video?.ReportActiveSpeaker(speakers.Count > 0 ? speakers[0] : null);
        };
        _meetings[meetingId] = meeting;
        _clock.Add(mixer);
        return meeting;
    }

    private void DisposeMeeting(MeetingMedia meeting)
    {
        if (meeting.Recorder is { } recorder)
        {
            // Releasing the meeting stops its recording: the last part and pending utterances are finished.
            meeting.Recorder = null;
            DetachRecorder(meeting, recorder);
            recorder.Dispose();
        }
        _clock.Remove(meeting.Mixer);
        meeting.Mixer.Dispose();
        meeting.Video?.Dispose();
    }

    private static void Detach(MeetingMedia meeting, LegState leg)
    {
        // Stop the flow both ways before the sockets go: no more input to the mixer, no more ticks to us.
        leg.Transport.Attach(null);
        if (leg.MixerLeg is { } mixerLeg)
        {
            meeting.Mixer.RemoveLeg(mixerLeg);
            leg.MixerLeg = null;
        }
        meeting.Video?.RemoveParticipant(leg.ParticipantId);
        leg.VideoActive = false;
    }

    private static void ApplyControl(MeetingMedia meeting, LegState leg)
    {
        if (leg.MixerLeg is { } mixerLeg)
        {
            mixerLeg.Muted = leg.Control.Muted;
            mixerLeg.SpeakingAllowed = leg.Control.SpeakingAllowed;
            mixerLeg.Gain = float.IsFinite(leg.Control.Gain) ? leg.Control.Gain : 1f;
            mixerLeg.Listening = leg.Control.Listening;
        }
        meeting.Video?.SetVideoState(leg.ParticipantId, leg.Control.VideoOn, leg.Control.VideoAllowed);
    }

    private static ulong NewSessionId() => (ulong)RandomNumberGenerator.GetInt32(1, int.MaxValue);

    private static uint NewSsrc()
    {
        Span<byte> bytes = stackalloc byte[4];
        RandomNumberGenerator.Fill(bytes);
        return Math.Max(1u, BitConverter.ToUInt32(bytes));
    }
}
