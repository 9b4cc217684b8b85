using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Xunit.Abstractions;
using Microsoft.Extensions.Options;
using Sparkle.Grains.Media;
using Sparkle.Grains.Meetings;
using Sparkle.Grains.Recordings;
using Sparkle.Media.Recording;
using Sparkle.Media.Tests.Worker;
using Sparkle.MediaWorker;
using Sparkle.MediaWorker.Engine;
using Sparkle.Video.Codecs;

namespace Sparkle.Media.Tests.Recording;

/// <summary>Recording through the worker's engine with its real threads and real UDP legs on loopback,
/// driven as the meeting grain drives it; what was written is read back with ffprobe and ffmpeg.</summary>
public sealed class RecordingEngineTests(ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly TimeSpan s_wait = TimeSpan.FromSeconds(20);
    private static int s_portBase = 50000;
    private readonly Guid _meeting = Guid.NewGuid();
    private readonly string _folder = Path.Combine(Path.GetTempPath(), $"recording-engine-tests-{Guid.NewGuid():N}");
    private readonly CapturingSink _sink = new();
    private readonly List<IDisposable> _phones = [];
    private MediaEngine _engine = null!;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (_engine is not null)
        {
            await _engine.DisposeAsync();
        }
        foreach (var phone in _phones)
        {
            phone.Dispose();
        }
        _sink.Dispose();
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }
    }

    private void CreateEngine(long partMaxBytes = 64 << 20, double partMaxSeconds = 300)
    {
        var first = Interlocked.Add(ref s_portBase, 200);
        _engine = new MediaEngine(Options.Create(new MediaWorkerOptions
        {
            WorkerId = "recording-test-worker",
            RtpPortMin = first,
            RtpPortMax = first + 199,
            CapacityLegs = 8,
            Recording = new RecordingWorkerOptions { WorkFolder = _folder, PartMaxBytes = partMaxBytes, PartMaxSeconds = partMaxSeconds },
        }), new NoEvents(), new OutputLogger(output), _sink);
    }

    private RecordingOrder Order(bool whole = true, bool separate = false, bool utterances = false) =>
        new(Guid.NewGuid(), Guid.NewGuid(), whole, separate, utterances, DateTimeOffset.UtcNow.AddMinutes(-1), Guid.NewGuid());

    private async Task<FakePhone> JoinPhoneAsync(string id, double toneHz)
    {
        var phone = new FakePhone(toneHz);
        _phones.Add(phone);
        var allocation = await _engine.AllocateLegAsync(new LegRequest(_meeting, id, phone.Offer(), SrtpRequired: false, id));
        Assert.True(allocation.Ok, allocation.Error);
        phone.Connect(allocation.LocalSdp!);
        return phone;
    }

    private async Task<VideoPhone> JoinViewerAsync(string id, VideoCodec codec)
    {
        var viewer = new VideoPhone(codec);
        _phones.Add(viewer);
        var allocation = await _engine.AllocateLegAsync(new LegRequest(_meeting, id, viewer.Offer(), SrtpRequired: false, id));
        Assert.True(allocation.Ok, allocation.Error);
        Assert.NotNull(allocation.VideoSsrc);
        viewer.Connect(allocation.LocalSdp!);
        return viewer;
    }

    /// <summary>The phones send 20 ms frames for about <paramref name="seconds"/> (on their own clock).</summary>
    private static async Task TalkAsync(IReadOnlyList<FakePhone> phones, double seconds)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(20));
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed.TotalSeconds < seconds)
        {
            foreach (var phone in phones)
            {
                phone.SendFrame();
            }
            await timer.WaitForNextTickAsync();
        }
    }

    private async Task<List<RecordedPart>> WaitForPartsAsync(Func<List<RecordedPart>, bool> done)
    {
        var clock = Stopwatch.StartNew();
        while (!done([.. _sink.Parts]) && clock.Elapsed < s_wait)
        {
            await Task.Delay(50);
        }
        return [.. _sink.Parts];
    }

    [Fact]
    public async Task StartAndStopFollowTheContract()
    {
        CreateEngine();
        await Assert.ThrowsAsync<InvalidOperationException>(() => _engine.StartRecordingAsync(_meeting, Order()))
            .ContinueWith(t => Assert.Equal("No media for this meeting on this worker", t.Result.Message));
        Assert.False(await _engine.StopRecordingAsync(_meeting));
        var phone = await JoinPhoneAsync("alice", 440);
        await _engine.StartRecordingAsync(_meeting, Order());
        await TalkAsync([phone], 0.3);
        var twice = await Assert.ThrowsAsync<InvalidOperationException>(() => _engine.StartRecordingAsync(_meeting, Order()));
        Assert.Equal("A recording is already running", twice.Message);
        Assert.True(await _engine.StopRecordingAsync(_meeting));
        Assert.False(await _engine.StopRecordingAsync(_meeting));
        var part = Assert.Single(_sink.Parts);
        Assert.True(part.Last);
    }

    [Fact]
    public async Task AnAudioMeetingIsRecordedWithEveryTalkersTone()
    {
        CreateEngine();
        FakePhone[] phones = [await JoinPhoneAsync("alice", 440), await JoinPhoneAsync("bob", 660), await JoinPhoneAsync("carol", 880)];
        await TalkAsync(phones, 0.5); // the jitter buffers settle
        var order = Order();
        await _engine.StartRecordingAsync(_meeting, order);
        var recorded = Stopwatch.StartNew();
        await TalkAsync(phones, 3);
        Assert.True(await _engine.StopRecordingAsync(_meeting));
        var seconds = recorded.Elapsed.TotalSeconds;

        var part = Assert.Single(_sink.Parts);
        Assert.Equal((order.RecordingId, RecordedKind.Mixed, 0, true, "audio/ogg"), (part.RecordingId, part.Kind, part.Index, part.Last, part.ContentType));
        var probe = MediaProbe.Probe(part.LocalPath);
        var audio = Assert.Single(probe.Streams);
        Assert.Equal(("audio", "opus"), (audio.CodecType, audio.CodecName));
        Assert.True(Math.Abs(probe.Duration - seconds) <= 0.5, $"{probe.Duration:F2} s recorded over {seconds:F2} s");
        // The full mix: everyone heard, not a mix minus anyone.
        var pcm = MediaProbe.DecodeAudio(part.LocalPath);
        var middle = pcm.AsSpan(pcm.Length / 4, pcm.Length / 2);
        foreach (var tone in new[] { 440.0, 660, 880 })
        {
            var level = Signal.ToneLevel(middle, tone, 48000);
            Assert.True(level > 2000, $"{tone} Hz at only {level:F0} in the recording");
        }
    }

    [Theory]
    [InlineData(VideoCodec.H264, "h264", "video/mp4")]
    [InlineData(VideoCodec.Vp8, "vp8", "video/webm")]
    public async Task AVideoMeetingRecordsTheSharedCompositeAndTheMixAlsoWithNoViewerLeft(VideoCodec codec, string codecName, string contentType)
    {
        CreateEngine();
        var phone = await JoinPhoneAsync("alice", 440);
        var viewer = await JoinViewerAsync("viewer", codec);
        await TalkAsync([phone], 0.5);
        await _engine.StartRecordingAsync(_meeting, Order());
        var recorded = Stopwatch.StartNew();
        await TalkAsync([phone], 2);
        // The viewer leaves: the composite goes on being encoded for the recording alone.
        await _engine.ReleaseLegAsync(_meeting, "viewer");
        await TalkAsync([phone], 2);
        Assert.True(await _engine.StopRecordingAsync(_meeting));
        var seconds = recorded.Elapsed.TotalSeconds;

        var part = Assert.Single(_sink.Parts);
        Assert.Equal((RecordedKind.Mixed, contentType), (part.Kind, part.ContentType));
        var probe = MediaProbe.Probe(part.LocalPath);
        Assert.Equal(2, probe.Streams.Count);
        Assert.Equal((codecName, 1280, 720), (probe.Video!.CodecName, probe.Video.Width, probe.Video.Height));
        Assert.Equal("opus", probe.Audio!.CodecName);
        Assert.True(Math.Abs(probe.Duration - seconds) <= 0.5, $"{probe.Duration:F2} s recorded over {seconds:F2} s");
        var frames = MediaProbe.CountVideoFrames(part.LocalPath, out var errors);
        Assert.True(frames >= seconds * 15 * 0.7, $"{frames} frames decoded over {seconds:F1} s ({errors})");
        Assert.True(Signal.ToneLevel(MediaProbe.DecodeAudio(part.LocalPath), 440, 48000) > 2000);
    }

    [Fact]
    public async Task SeparateAudioAndVideoGiveTwoFiles()
    {
        CreateEngine();
        var phone = await JoinPhoneAsync("alice", 440);
        var viewer = await JoinViewerAsync("viewer", VideoCodec.H264);
        var order = Order(separate: true);
        await _engine.StartRecordingAsync(_meeting, order);
        await TalkAsync([phone], 2.5);
        Assert.True(await _engine.StopRecordingAsync(_meeting));

        var parts = _sink.Parts.OrderBy(p => p.Kind).ToList();
        Assert.Equal([RecordedKind.Audio, RecordedKind.Video], parts.Select(p => p.Kind));
        Assert.Equal([order.RecordingId, order.VideoRecordingId], parts.Select(p => p.RecordingId));
        Assert.All(parts, p => Assert.True(p.Last));
        var audio = MediaProbe.Probe(parts[0].LocalPath);
        Assert.Equal(("audio/ogg", "opus"), (parts[0].ContentType, Assert.Single(audio.Streams).CodecName));
        var video = MediaProbe.Probe(parts[1].LocalPath);
        Assert.Equal(("video/mp4", "h264", 1280), (parts[1].ContentType, Assert.Single(video.Streams).CodecName, video.Streams[0].Width));
        Assert.InRange(audio.Duration, 2.0, 3.2);
        Assert.InRange(video.Duration, 2.0, 3.2);
    }

    [Fact]
    public async Task VideoPartsRotateAtKeyFramesAndEachPlays()
    {
        CreateEngine(partMaxBytes: 48 * 1024, partMaxSeconds: 300);
        var phone = await JoinPhoneAsync("alice", 440);
        var viewer = await JoinViewerAsync("viewer", VideoCodec.H264);
        await _engine.StartRecordingAsync(_meeting, Order());
        var recorded = Stopwatch.StartNew();
        // Name tiles compress well: talk until three parts are done (or the wait runs out).
        var clock = Stopwatch.StartNew();
        while (_sink.Parts.Count < 3 && clock.Elapsed < s_wait)
        {
            await TalkAsync([phone], 0.5);
        }
        Assert.True(await _engine.StopRecordingAsync(_meeting));
        var seconds = recorded.Elapsed.TotalSeconds;

        var parts = _sink.Parts.ToList();
        Assert.True(parts.Count >= 3, $"only {parts.Count} parts in {seconds:F1} s");
        Assert.Equal(Enumerable.Range(0, parts.Count), parts.Select(p => p.Index));
        Assert.True(parts[^1].Last);
        Assert.All(parts.SkipLast(1), p => Assert.False(p.Last));
        foreach (var part in parts)
        {
            var probe = MediaProbe.Probe(part.LocalPath);
            Assert.Equal(("h264", "opus"), (probe.Video?.CodecName, probe.Audio?.CodecName));
            Assert.True(MediaProbe.CountVideoFrames(part.LocalPath, out var errors) > 0, $"part {part.Index} has no decodable frame: {errors}");
            Assert.True(string.IsNullOrWhiteSpace(errors), $"part {part.Index}: {errors}");
        }
        for (var i = 1; i < parts.Count; i++)
        {
            Assert.True(parts[i].Offset >= parts[i - 1].Offset + parts[i - 1].Duration - TimeSpan.FromMilliseconds(100),
                $"part {i} starts at {parts[i].Offset}, before part {i - 1} ends ({parts[i - 1].Offset + parts[i - 1].Duration})");
        }
        var whole = MediaProbe.DecodeConcatenated(parts.Select(p => p.LocalPath)).Length / 48000.0;
        Assert.True(Math.Abs(whole - seconds) <= 0.6, $"the parts play {whole:F2} s of {seconds:F2} s recorded");
    }

    [Fact]
    public async Task ReleasingTheMeetingFinishesItsRecording()
    {
        CreateEngine();
        var phone = await JoinPhoneAsync("alice", 440);
        await _engine.StartRecordingAsync(_meeting, Order(utterances: true));
        await TalkAsync([phone], 1.5);
        await _engine.ReleaseMeetingAsync(_meeting);

        var part = Assert.Single(_sink.Parts);
        Assert.True(part.Last);
        // Alice was still talking: her utterance is flushed with the recording's end.
        var utterance = Assert.Single(_sink.Utterances);
        Assert.Equal("alice", utterance.ParticipantId);
        Assert.Equal("opus", Assert.Single(MediaProbe.Probe(utterance.LocalPath).Streams).CodecName);
        Assert.False(await _engine.StopRecordingAsync(_meeting));
    }

    /// <summary>The engine's log in the test's output (the recorder reports its busy time on stop).</summary>
    private sealed class OutputLogger(ITestOutputHelper output) : ILogger<MediaEngine>
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            try
            {
                output.WriteLine($"{logLevel}: {formatter(state, exception)}");
            }
            catch (InvalidOperationException)
            {
                // after the test finished
            }
        }
    }

    private sealed class NoEvents : IMediaEventSink
    {
        public void Publish(MediaEvent mediaEvent)
        {
        }
    }
}
