using System.Diagnostics;
using Sparkle.Media.Jitter;
using Sparkle.Media.Sdp;
using Sparkle.Media.Transport;
using Sparkle.Video.Codecs;
using Sparkle.Video.Compositing;
using Sparkle.Video.Pipeline;

namespace Sparkle.Media.Video;

/// <summary>The video of one meeting on this worker: Sparkle.Video's <see cref="VideoMixer"/> driven by
/// one thread of its own at the frame rate. Each tick takes what every video leg received (in sequence
/// order), decodes only the senders the layout shows, asks a sender for a key frame when its decoder needs
/// one, renders each composite once and encodes it once per codec for all its receivers. Every leg of the
/// meeting is a participant (audio-only ones show their name); the layout, mode, placements, video off and
/// forbidden controls apply from the next frame. Control methods may be called from any thread.</summary>
public sealed class VideoConference : IDisposable
{
    private readonly VideoConferenceOptions _options;
    private readonly VideoMixer _mixer;
    // A monitor, not Lock: waiting on it allocates nothing (media-workers/ARCHITECTURE.md, "Locks").
    private readonly object _tickLock = new();
    private readonly Dictionary<string, Participant> _participants = new(StringComparer.Ordinal);
    private readonly List<SharedVideoStream> _streams = [];
    private readonly byte[] _packet = new byte[VideoReorderBuffer.MaxPayload];
    private readonly CancellationTokenSource _stop = new();
    private readonly Thread _thread;
    private readonly long _start = Stopwatch.GetTimestamp();
    private Participant[] _senders = [];
    private volatile string? _speaker;
    private volatile SharedVideoStream? _recorded;
    private long _busyTicks;
    private long _lastReview;
    private long _lastRender;
    private PreviewGrabber? _preview;
    private int _disposed;

    /// <summary>A composite not rendered for this long (nobody receives video any more) is no preview.</summary>
    private static readonly TimeSpan s_previewStaleAfter = TimeSpan.FromSeconds(2);

    /// <summary>How often receivers' bitrate feedback (TMMBR, REMB) may move them between streams.</summary>
    private static readonly TimeSpan s_reviewEvery = TimeSpan.FromSeconds(2);

    public VideoConference(string name, VideoConferenceOptions? options = null)
    {
        _options = options ?? new VideoConferenceOptions();
        _mixer = new VideoMixer(_options.FloorHoldTime);
        _thread = new Thread(Run) { IsBackground = true, Name = $"video-{name}" };
    }

    /// <summary>Raised (on the video thread) when a tick throws; the next tick runs as usual.</summary>
    public event Action<Exception>? TickFailed;

    public VideoMixer Mixer => _mixer;

    public VideoConferenceOptions Options => _options;

    public long Ticks { get; private set; }

    /// <summary>Wall time the video thread spent in ticks.</summary>
    public TimeSpan BusyTime => TimeSpan.FromTicks(Interlocked.Read(ref _busyTicks));

    public void Start() => _thread.Start();

    /// <summary>Every leg of the meeting, with or without video: audio-only ones show as name tiles.</summary>
    public void AddParticipant(string id, string displayName)
    {
        lock (_tickLock)
        {
            _mixer.AddParticipant(id, displayName);
            if (!_participants.ContainsKey(id))
            {
                _participants[id] = new Participant(id);
            }
        }
    }

    public void RemoveParticipant(string id)
    {
        lock (_tickLock)
        {
            if (_participants.Remove(id, out var participant))
            {
                Detach(participant);
            }
            _mixer.RemoveParticipant(id);
        }
    }

    /// <summary>Connects a participant's negotiated video leg (again after a renegotiation): what it
    /// sends becomes its tile, and it receives the shared stream that suits its decoder and link.</summary>
    public void AttachVideo(string id, VideoLegTransport transport)
    {
        lock (_tickLock)
        {
            if (!_participants.TryGetValue(id, out var participant))
            {
                throw new InvalidOperationException($"{id} is not a participant of this conference.");
            }
            if (participant.Transport is { } previous && previous != transport)
            {
                Detach(participant);
            }
            participant.Transport = transport;
            Configure(participant);
        }
    }

    /// <summary>The participant's video stream went away (rejected in a renegotiation): a name tile again.</summary>
    public void DetachVideo(string id)
    {
        lock (_tickLock)
        {
            if (_participants.TryGetValue(id, out var participant))
            {
                Detach(participant);
            }
        }
    }

    /// <summary>The meeting's controls for a participant: their own video off, the chair's forbid.</summary>
    public void SetVideoState(string id, bool videoOn, bool videoAllowed)
    {
        lock (_tickLock)
        {
            if (_participants.TryGetValue(id, out var participant))
            {
                participant.VideoOn = videoOn;
                participant.VideoAllowed = videoAllowed;
                if (!videoOn)
                {
                    participant.Shown = false;
                }
            }
            _mixer.SetVideoForbidden(id, !videoAllowed);
            if (!videoOn)
            {
                _mixer.SetVideoOff(id, true); // the next tick shows the picture again once it is back on
            }
        }
    }

    /// <summary>The meeting's layout control: "auto", a group id or a layout id; automatic mode moves the
    /// active speaker to the floor slot; placements are participant ids by slot. False for an unknown id.</summary>
    public bool ApplyLayout(string layoutId, bool automatic, IReadOnlyList<string?> placements) =>
        _mixer.Apply(layoutId, automatic, placements);

    /// <summary>The audio mixer's loudest speaker (null in silence); the floor follows at the next frame.</summary>
    public void ReportActiveSpeaker(string? id) => _speaker = id;

    /// <summary>Hands every encoded access unit of one large (e.g. 1280x720) shared stream to
    /// <paramref name="recorder"/> on the video thread, without a second encode: a stream receivers already
    /// get is taken (H.264 mode 1 first, then VP8), else an H.264 one is started for the recorder alone.
    /// The first frame it gets after this is a key frame. Returns the codec and size it will get.</summary>
    public (VideoCodec Codec, int Width, int Height) AttachRecorder(IEncodedVideoSink recorder)
    {
        lock (_tickLock)
        {
            var stream = _streams.FirstOrDefault(s => s.Recorder is not null)
                ?? _streams.FirstOrDefault(s => s.Matches(_options.Width, _options.Height, VideoCodec.H264, 1))
                ?? _streams.FirstOrDefault(s => s.Matches(_options.Width, _options.Height, VideoCodec.Vp8, 1));
            if (stream is null)
            {
                var output = _mixer.GetOrAddOutput(_options.Width, _options.Height);
                try
                {
                    stream = new SharedVideoStream(output, VideoCodec.H264, 1, _options.BitrateKbps, _options);
                }
                catch (Exception e) when (e is InvalidOperationException or DllNotFoundException)
                {
                    // No H.264 encoder on this machine (libx264 missing): VP8 it is, in WebM.
                    stream = new SharedVideoStream(output, VideoCodec.Vp8, 1, _options.BitrateKbps, _options);
                }
                _streams.Add(stream);
            }
            stream.Recorder = recorder;
            stream.RequestKeyFrameNow();
            _recorded = stream;
            return (stream.Codec, stream.Output.Width, stream.Output.Height);
        }
    }

    /// <summary>Stops handing frames to the recorder; a stream nobody else receives is closed.</summary>
    public void DetachRecorder(IEncodedVideoSink recorder)
    {
        lock (_tickLock)
        {
            foreach (var stream in _streams.ToArray())
            {
                if (stream.Recorder == recorder)
                {
                    stream.Recorder = null;
                    _recorded = null;
                    Prune(stream);
                }
            }
        }
    }

    /// <summary>The recorder starts a part: the next frame of its stream is a key frame (any thread).</summary>
    public void RequestRecorderKeyFrame()
    {
        _recorded?.RequestKeyFrameNow();
    }

    /// <summary>What each shared stream does, for logs and tests.</summary>
    public IReadOnlyList<VideoStreamInfo> Streams
    {
        get
        {
            lock (_tickLock)
            {
                return [.. _streams.Select(s => new VideoStreamInfo(s.Output.Width, s.Output.Height, s.Codec, s.PacketizationMode,
                    s.BitrateKbps, s.ReceiverCount, s.FramesEncoded, s.KeyFrames))];
            }
        }
    }

    /// <summary>What each sender's decoder did, for logs and tests.</summary>
    public IReadOnlyList<VideoSenderInfo> Senders
    {
        get
        {
            lock (_tickLock)
            {
                return [.. _senders.Where(p => p.Input is not null).Select(p => new VideoSenderInfo(p.Id, p.Input!.Codec,
                    p.Input.FramesDecoded, p.Input.FramesSkipped, p.Input.FramesLost, p.Input.DecodeErrors, p.KeyFrameRequests))];
            }
        }
    }

    /// <summary>The console's still preview: the latest large composite (what receivers of the 1280x720
    /// stream see) as JPEG, encoded only on request and at most once per <see cref="PreviewGrabber.MinInterval"/>.
    /// Null while nothing is being composed (no receiver of video). Any thread; the encode runs on the caller's.</summary>
    public Preview? GrabPreview()
    {
        PreviewGrabber grabber;
        lock (_tickLock)
        {
            ObjectDisposedException.ThrowIf(_disposed != 0, this);
            grabber = _preview ??= new PreviewGrabber(CapturePreview, _options.PreviewClock, _options.PreviewMinInterval);
        }
        return grabber.Grab();
    }

    // Copies the canvas under the tick lock, so the tick never composes into it while it is read; the tick
    // itself keeps no copy and pays nothing for previews.
    private bool CapturePreview(I420Frame destination)
    {
        lock (_tickLock)
        {
            if (_disposed != 0 || _lastRender == 0 || Stopwatch.GetElapsedTime(_lastRender) > s_previewStaleAfter)
            {
                return false;
            }
            CompositeOutput? best = null;
            foreach (var output in _mixer.Outputs)
            {
                if (output.FrameCount > 0 && output.LayoutOverride is null && (best is null || output.Width > best.Width))
                {
                    best = output;
                }
            }
            if (best is null)
            {
                return false;
            }
            destination.CopyFrom(best.Canvas.AsView());
            return true;
        }
    }

    /// <summary>One frame: take what arrived, decode the visible senders, render, encode, send.</summary>
    public void Tick(long now)
    {
        lock (_tickLock)
        {
            var elapsed = Stopwatch.GetElapsedTime(_start, now);
            if (_speaker is { } speaker)
            {
                _mixer.ReportActiveSpeaker(speaker, elapsed);
            }
            foreach (var sender in _senders)
            {
                Pull(sender, now);
            }
            if (Stopwatch.GetElapsedTime(_lastReview, now) >= s_reviewEvery)
            {
                _lastReview = now;
                ReviewReceivers();
            }
            var anyReceiver = false;
            foreach (var stream in _streams)
            {
                anyReceiver |= stream.InUse;
            }
            if (anyReceiver)
            {
                _mixer.Render(elapsed);
                _lastRender = now;
                foreach (var stream in _streams)
                {
                    stream.EncodeAndSend(now);
                }
            }
            Ticks++;
        }
    }

    private void Pull(Participant participant, long now)
    {
        var transport = participant.Transport!;
        var input = participant.Input;
        // A sender shows pictures while its video is on and packets flow; otherwise its name, rather
        // than a picture frozen at whatever it sent last.
        var shows = participant.VideoOn && input is not null && transport.SinceLastRtp < _options.StaleAfter;
        if (shows != participant.Shown)
        {
            _mixer.SetVideoOff(participant.Id, !shows);
            participant.Shown = shows;
        }
        var decode = shows && participant.VideoAllowed;
        var wait = transport.GapWait;
        while (transport.Incoming.TryPop(_packet, wait, out var length, out var sequence, out var timestamp, out var marker))
        {
            if (decode)
            {
                input!.OnRtpPayload(_packet.AsSpan(0, length), sequence, timestamp, marker);
            }
        }
        if (decode && input!.KeyFrameNeeded && transport.Counters.RtpReceived > 0
            && Stopwatch.GetElapsedTime(participant.LastKeyFrameRequest, now) >= _options.KeyFrameRequestInterval
            && transport.RequestKeyFrame())
        {
            participant.LastKeyFrameRequest = now;
            participant.KeyFrameRequests++;
        }
    }

    // Under the tick lock.
    private void Configure(Participant participant)
    {
        var transport = participant.Transport!;
        if (transport.Video is not { } video)
        {
            Detach(participant);
            return;
        }
        if (video.Direction.Receives())
        {
            if (participant.Input is null || participant.Input.Codec != video.Codec)
            {
                participant.Input?.Dispose();
                participant.Input = new VideoInput(participant.Id, video.Codec, _mixer);
            }
        }
        else
        {
            participant.Input?.Dispose();
            participant.Input = null;
        }
        participant.Parameters = video.Parameters;
        participant.BitrateLimit = transport.RemoteBitrateLimit;
        Move(participant, video.Direction.Sends() ? SelectStream(participant, video) : null);
        _senders = [.. _participants.Values.Where(p => p.Transport is not null)];
    }

    // Under the tick lock.
    private void Move(Participant participant, SharedVideoStream? target)
    {
        if (target == participant.Stream)
        {
            return;
        }
        if (participant.Stream is { } old)
        {
            old.Remove(participant.Transport!);
            Prune(old);
        }
        participant.Stream = target;
        target?.Add(participant.Transport!); // the new stream starts with a key frame for it
    }

    /// <summary>A receiver whose bitrate feedback changed moves to the stream that now suits it (nothing
    /// to do, and nothing allocated, while feedback stays the same).</summary>
    private void ReviewReceivers()
    {
        foreach (var participant in _senders)
        {
            var limit = participant.Transport!.RemoteBitrateLimit;
            if (limit == participant.BitrateLimit || participant.Stream is null || participant.Transport.Video is not { } video)
            {
                continue;
            }
            participant.BitrateLimit = limit;
            Move(participant, SelectStream(participant, video));
        }
    }

    // Under the tick lock.
    private void Detach(Participant participant)
    {
        if (participant.Stream is { } stream && participant.Transport is { } transport)
        {
            stream.Remove(transport);
            Prune(stream);
        }
        participant.Stream = null;
        participant.Input?.Dispose();
        participant.Input = null;
        participant.Transport = null;
        participant.Shown = null;
        _mixer.SetVideoOff(participant.Id, true);
        _senders = [.. _participants.Values.Where(p => p.Transport is not null)];
    }

    /// <summary>The largest stream the receiver's decoder (SDP level, max-fs) and link (b=AS, and TMMBR or
    /// REMB when it sends them) take, in its codec and packetization mode; the small one when nothing fits
    /// (a receiver always gets something). Moving back up takes a quarter more than the large stream's
    /// bitrate, so an estimate hovering around it does not flip the stream (and key frames) to and fro.</summary>
    private SharedVideoStream SelectStream(Participant participant, NegotiatedVideo video)
    {
        var parameters = participant.Parameters!;
        var mode = video.Codec == VideoCodec.H264 && parameters.RequiresSingleNalMode ? 0 : 1;
        var limitKbps = video.RemoteBandwidthKbps;
        if (participant.BitrateLimit > 0)
        {
            var feedbackKbps = (int)Math.Min(int.MaxValue, participant.BitrateLimit / 1000);
            limitKbps = limitKbps == 0 ? feedbackKbps : Math.Min(limitKbps, feedbackKbps);
        }
        var onLarge = participant.Stream is { } current && current.Output.Width == _options.Width && current.Output.Height == _options.Height;
        var needed = onLarge || participant.Stream is null ? _options.BitrateKbps : _options.BitrateKbps * 5 / 4;
        var fits = parameters.Allows(_options.Width, _options.Height, _options.FramesPerSecond)
            && (limitKbps == 0 || limitKbps >= needed);
        var (width, height, bitrate) = fits
            ? (_options.Width, _options.Height, _options.BitrateKbps)
            : (_options.LowWidth, _options.LowHeight, _options.LowBitrateKbps);
        foreach (var existing in _streams)
        {
            if (existing.Matches(width, height, video.Codec, mode))
            {
                return existing;
            }
        }
        var stream = new SharedVideoStream(_mixer.GetOrAddOutput(width, height), video.Codec, mode, bitrate, _options);
        _streams.Add(stream);
        return stream;
    }

    /// <summary>A stream nobody receives is closed, and its composite too when no other stream uses it.</summary>
    private void Prune(SharedVideoStream stream)
    {
        if (stream.InUse)
        {
            return;
        }
        _streams.Remove(stream);
        stream.Dispose();
        if (!_streams.Any(s => s.Output == stream.Output))
        {
            _mixer.RemoveOutput(stream.Output);
        }
    }

    private void Run()
    {
        var period = TimeSpan.FromSeconds(1.0 / Math.Max(1, _options.FramesPerSecond));
        var clock = Stopwatch.StartNew();
        var next = clock.Elapsed + period;
        var token = _stop.Token;
        while (!token.IsCancellationRequested)
        {
            var wait = next - clock.Elapsed;
            if (wait > TimeSpan.Zero)
            {
                token.WaitHandle.WaitOne(wait);
                continue;
            }
            var started = Stopwatch.GetTimestamp();
            try
            {
                Tick(started);
            }
            catch (Exception e)
            {
                TickFailed?.Invoke(e);
            }
            Interlocked.Add(ref _busyTicks, Stopwatch.GetElapsedTime(started).Ticks);
            next += period;
            if (clock.Elapsed - next > TimeSpan.FromSeconds(1))
            {
                next = clock.Elapsed + period; // far behind (paused VM): resynchronise rather than burst
            }
        }
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }
        _stop.Cancel();
        if (_thread.IsAlive)
        {
            _thread.Join(TimeSpan.FromSeconds(2));
        }
        lock (_tickLock)
        {
            foreach (var participant in _participants.Values)
            {
                Detach(participant);
            }
            foreach (var stream in _streams)
            {
                stream.Dispose();
            }
            _streams.Clear();
            _mixer.Dispose();
        }
        _preview?.Dispose();
        _stop.Dispose();
    }

    private sealed class Participant(string id)
    {
        public string Id { get; } = id;
        public bool VideoOn { get; set; } = true;
        public bool VideoAllowed { get; set; } = true;
        public VideoLegTransport? Transport { get; set; }
        public VideoInput? Input { get; set; }
        public SharedVideoStream? Stream { get; set; }
        /// <summary>Whether the mixer was last told this sender shows pictures (null: not told yet).</summary>
        public bool? Shown { get; set; }
        public long LastKeyFrameRequest { get; set; }
        public long KeyFrameRequests { get; set; }
        /// <summary>The receiver's SDP format parameters, parsed once.</summary>
        public VideoFormatParameters? Parameters { get; set; }
        /// <summary>The TMMBR/REMB bitrate (bit/s) the stream choice last took into account; 0: none.</summary>
        public long BitrateLimit { get; set; }
    }
}

public readonly record struct VideoStreamInfo(int Width, int Height, VideoCodec Codec, int PacketizationMode, int BitrateKbps,
    int Receivers, long FramesEncoded, long KeyFrames);

public readonly record struct VideoSenderInfo(string ParticipantId, VideoCodec Codec, long FramesDecoded, long FramesSkipped,
    long FramesLost, long DecodeErrors, long KeyFrameRequests);
