using System.Diagnostics;
using System.Runtime.InteropServices;
using Sparkle.Media.Codecs;
using Sparkle.Media.Mixing;
using Sparkle.Media.Video;

namespace Sparkle.Media.Recording;

/// <summary>What to record of one meeting, and when it started.</summary>
/// <param name="StartedAt">The meeting's clock at <see cref="MeetingRecorder.Start"/>: part and utterance
/// times are this plus the media clock (mixer ticks) since.</param>
public sealed record RecordingPlan(
    Guid RecordingId,
    bool WholeMeeting,
    bool SeparateAudioAndVideo,
    bool PerUtterance,
    DateTimeOffset StartedAt,
    Guid VideoRecordingId = default);

/// <summary>Records one meeting: the full mix and the composite as parts (whole meeting), and each
/// participant's own audio as utterances. The media threads only copy into a preallocated queue
/// (<see cref="IAudioTap"/> on the mixer thread, <see cref="IEncodedVideoSink"/> on the video thread); this
/// recorder's own thread encodes the audio with Opus, muxes, closes files and calls the sink.
/// Timeline: 0 is the first mixer tick after <see cref="Start"/>; audio runs on the mixer's 20 ms ticks,
/// video on the frames' clock, both measured from that tick.</summary>
public sealed class MeetingRecorder : IAudioTap, IEncodedVideoSink, IDisposable
{
    private static readonly TimeSpan s_tick = TimeSpan.FromMilliseconds(MixerOptions.FrameMs);

    private readonly RecordingPlan _plan;
    private readonly RecorderOptions _options;
    private readonly IRecordingSink _sink;
    private readonly Action<string>? _log;
    private readonly RecordingQueue _queue;
    private readonly Thread _thread;
    private readonly ManualResetEventSlim _stop = new();
    private readonly Dictionary<string, UtteranceSegmenter> _speakers = new(StringComparer.Ordinal);
    private readonly List<string> _gone = [];
    private readonly List<PartTrack> _tracks = [];
    private readonly byte[] _opus = new byte[1500];
    private byte[] _scratch = new byte[256 * 1024];
    private OpusEncoder? _mixEncoder;
    private VideoTrackFormat? _video;
    private Action? _requestKeyFrame;
    private long _tick;           // mixer thread: the tick under way
    private long _firstTickStamp; // recorder thread: Stopwatch time of tick 0
    private bool _started;
    private long _refusedLogged;
    private Exception? _failure;

    public MeetingRecorder(RecordingPlan plan, RecorderOptions options, IRecordingSink sink, Action<string>? log = null)
    {
        _plan = plan;
        _options = options;
        _sink = sink;
        _log = log;
        _queue = new RecordingQueue(options.QueueInitialBytes, options.QueueMaxBytes);
        _thread = new Thread(Run) { IsBackground = true, Name = $"recorder-{plan.RecordingId.ToString("N")[..8]}" };
    }

    public RecordingPlan Plan => _plan;

    /// <summary>Whether leg audio is wanted (per-utterance recording).</summary>
    public bool WantsLegAudio => _plan.PerUtterance;

    /// <summary>Entries the media threads could not queue (the writer far behind, the queue at its bound).</summary>
    public long Refused => _queue.Refused;

    /// <summary>Wall time the recorder thread spent working (not waiting).</summary>
    public TimeSpan BusyTime { get; private set; }

    /// <summary>What stopped the recorder thread early (a file that could not be written), if anything.</summary>
    public Exception? Failure => _failure;

    public int PartsCompleted { get; private set; }
    public int UtterancesCompleted { get; private set; }

    /// <summary>The composite's stream this recording gets (before <see cref="Start"/>); without it the
    /// whole-meeting recording is audio only.</summary>
    public void UseVideo(VideoTrackFormat format, Action requestKeyFrame)
    {
        _video = format;
        _requestKeyFrame = requestKeyFrame;
    }

    public void Start()
    {
        if (_plan.WholeMeeting)
        {
            var video = _video;
            if (video is not null && _plan.SeparateAudioAndVideo)
            {
                var videoId = _plan.VideoRecordingId == Guid.Empty ? Guid.NewGuid() : _plan.VideoRecordingId;
                _tracks.Add(NewTrack(_plan.RecordingId, RecordedKind.Audio, audio: true, null));
                _tracks.Add(NewTrack(videoId, RecordedKind.Video, audio: false, video));
            }
            else
            {
                var kind = _plan.SeparateAudioAndVideo ? RecordedKind.Audio : RecordedKind.Mixed;
                _tracks.Add(NewTrack(_plan.RecordingId, kind, audio: true, video));
            }
            _mixEncoder = new OpusEncoder(_options.OpusBitrate, complexity: 5, expectedLossPercent: 0);
        }
        _started = true;
        _thread.Start();
    }

    private PartTrack NewTrack(Guid id, RecordedKind kind, bool audio, VideoTrackFormat? video) =>
        new(id, kind, audio, video, _options, _requestKeyFrame, offset => _plan.StartedAt + offset, Completed);

    /// <summary>Finishes: the last part of each file (Last) and the utterances under way. Detach the taps
    /// first, so nothing more is queued. Returns once every file went to the sink.</summary>
    public void Stop()
    {
        _stop.Set();
        if (_started && _thread.IsAlive)
        {
            _thread.Join();
        }
    }

    // --- media threads: copy and return ---

    void IAudioTap.OnLegAudio(string participantId, ReadOnlySpan<short> pcm, int sampleRate, bool voiceActive)
    {
        if (_plan.PerUtterance)
        {
            _queue.TryWrite(RecordingItemKind.LegPcm, MemoryMarshal.AsBytes(pcm), _tick, participantId, sampleRate);
        }
    }

    void IAudioTap.OnConferenceMix(ReadOnlySpan<short> pcm, int sampleRate)
    {
        // Per-utterance alone needs only the tick (the clock), not the mix.
        var bytes = _plan.WholeMeeting ? MemoryMarshal.AsBytes(pcm) : default;
        _queue.TryWrite(RecordingItemKind.MixTick, bytes, _tick, sampleRate: sampleRate, stamp: Stopwatch.GetTimestamp());
        _tick++;
    }

    void IEncodedVideoSink.OnEncodedVideo(ReadOnlySpan<byte> accessUnit, bool keyFrame, long timestamp) =>
        _queue.TryWrite(RecordingItemKind.Video, accessUnit, timestamp, flag: keyFrame);

    // --- recorder thread ---

    private void Run()
    {
        try
        {
            while (!_stop.IsSet)
            {
                var started = Stopwatch.GetTimestamp();
                Grow();
                Drain();
                ReportRefused();
                BusyTime += Stopwatch.GetElapsedTime(started);
                _stop.Wait(10);
            }
            Drain();
            ReportRefused();
        }
        catch (Exception e)
        {
            _failure = e;
            _log?.Invoke($"Recording {_plan.RecordingId} stopped writing: {e}");
        }
        finally
        {
            Finish();
        }
    }

    private void Drain()
    {
        var read = 0;
        while (_queue.TryRead(ref _scratch, out var item))
        {
            // Encoding what was read takes time while the media threads keep writing (100 legs with utterances
            // write 101 entries a tick): grow during the drain, not only after it, when the ring is empty again.
            if (++read % 32 == 0)
            {
                Grow();
            }
            var data = _scratch.AsSpan(0, item.Length);
            switch (item.Kind)
            {
                case RecordingItemKind.MixTick:
                    OnMix(MemoryMarshal.Cast<byte, short>(data), item);
                    break;
                case RecordingItemKind.LegPcm:
                    OnLeg(MemoryMarshal.Cast<byte, short>(data), item);
                    break;
                case RecordingItemKind.Video:
                    OnVideo(data, item);
                    break;
            }
        }
    }

    private TimeSpan TickTime(long tick) => tick * s_tick;

    private void OnMix(ReadOnlySpan<short> pcm, in RecordingItem item)
    {
        if (_firstTickStamp == 0)
        {
            _firstTickStamp = item.Stamp - item.Timestamp * Stopwatch.Frequency / 50;
        }
        if (!pcm.IsEmpty && _mixEncoder is not null && pcm.Length == MixerOptions.MixFrameSamples)
        {
            var length = _mixEncoder.Encode(pcm, _opus);
            if (length > 0)
            {
                foreach (var track in _tracks)
                {
                    track.Audio(_opus.AsSpan(0, length), TickTime(item.Timestamp));
                }
            }
        }
        // The end of a tick: a participant with no frame in it (muted, gone) had silence.
        foreach (var (id, speaker) in _speakers)
        {
            if (speaker.LastTick < item.Timestamp)
            {
                if (speaker.Active)
                {
                    Deliver(speaker.Silence(item.Timestamp));
                }
                else if (item.Timestamp - speaker.LastTick > 500)
                {
                    _gone.Add(id);
                }
            }
        }
        foreach (var id in _gone)
        {
            _speakers.Remove(id, out var speaker);
            speaker?.Dispose();
        }
        _gone.Clear();
    }

    private void OnLeg(ReadOnlySpan<short> pcm, in RecordingItem item)
    {
        var id = item.Participant!;
        if (!_speakers.TryGetValue(id, out var speaker))
        {
            _speakers[id] = speaker = new UtteranceSegmenter(id, _options);
        }
        Deliver(speaker.Frame(pcm, item.SampleRate, item.Timestamp));
    }

    private void OnVideo(ReadOnlySpan<byte> accessUnit, in RecordingItem item)
    {
        if (_firstTickStamp == 0)
        {
            return; // before the first tick: before the recording's timeline starts
        }
        var time = TimeSpan.FromSeconds((double)(item.Timestamp - _firstTickStamp) / Stopwatch.Frequency);
        if (time < TimeSpan.Zero)
        {
            return;
        }
        foreach (var track in _tracks)
        {
            track.Video(accessUnit, item.Flag, time);
        }
    }

    private void Deliver(UtteranceSegmenter.Utterance? finished)
    {
        if (finished is not { } u)
        {
            return;
        }
        var start = TickTime(u.StartTick);
        var utterance = new RecordedUtterance(Guid.NewGuid(), u.ParticipantId, _plan.StartedAt + start, _plan.StartedAt + TickTime(u.EndTick),
            _plan.WholeMeeting ? start : null, u.Path, RecordingContainer.OggOpus.ContentType(hasVideo: false));
        UtterancesCompleted++;
        try
        {
            _sink.UtteranceCompleted(utterance);
        }
        catch (Exception e)
        {
            _log?.Invoke($"Recording {_plan.RecordingId}: the sink refused utterance {utterance.LocalPath}: {e.Message}");
        }
    }

    private void Completed(RecordedPart part)
    {
        PartsCompleted++;
        try
        {
            _sink.PartCompleted(part);
        }
        catch (Exception e)
        {
            _log?.Invoke($"Recording {_plan.RecordingId}: the sink refused part {part.LocalPath}: {e.Message}");
        }
    }

    private void Grow()
    {
        if (_queue.GrowIfNeeded())
        {
            _log?.Invoke($"Recording {_plan.RecordingId}: the writer is behind, queue grown to {_queue.Capacity / 1024} KiB, {_queue.EntryCapacity} entries");
        }
    }

    private void ReportRefused()
    {
        var refused = _queue.Refused;
        if (refused != _refusedLogged)
        {
            _log?.Invoke($"Recording {_plan.RecordingId}: {refused - _refusedLogged} media frames lost: the queue was full ({_queue.Capacity / 1024} KiB, {_queue.EntryCapacity} entries now)");
            _refusedLogged = refused;
        }
    }

    private void Finish()
    {
        foreach (var track in _tracks)
        {
            try
            {
                track.Finish(last: true);
                if (track.AudioBeforePicture > 0 || track.VideoBeforeKeyFrame > 0)
                {
                    _log?.Invoke($"Recording {track.RecordingId}: {track.AudioBeforePicture} audio frames before the first picture and {track.VideoBeforeKeyFrame} video frames before the first key frame left out");
                }
            }
            catch (Exception e)
            {
                _log?.Invoke($"Recording {track.RecordingId}: the last part failed: {e.Message}");
            }
        }
        foreach (var speaker in _speakers.Values)
        {
            try
            {
                Deliver(speaker.Flush());
            }
            catch (Exception e)
            {
                _log?.Invoke($"Recording {_plan.RecordingId}: an utterance of {speaker.ParticipantId} failed: {e.Message}");
            }
            speaker.Dispose();
        }
        _speakers.Clear();
        _mixEncoder?.Dispose();
        _mixEncoder = null;
    }

    public void Dispose()
    {
        Stop();
        _stop.Dispose();
    }
}
