using System.Collections.Concurrent;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Sparkle.Grains.Media;
using Sparkle.Grains.Meetings;
using Sparkle.MediaWorker;
using Sparkle.MediaWorker.Engine;

namespace Sparkle.Media.Tests.Worker;

/// <summary>The worker's engine with real sockets and its real mixer clock, driven as a meeting grain
/// would drive it, with fake phones on loopback.</summary>
public sealed class MediaEngineTests : IAsyncLifetime
{
    private static int s_portBase = 42000;
    private readonly Events _events = new();
    private readonly Guid _meeting = Guid.NewGuid();
    private MediaEngine _engine = null!;

    public Task InitializeAsync()
    {
        var first = Interlocked.Add(ref s_portBase, 200);
        _engine = new MediaEngine(Options.Create(new MediaWorkerOptions
        {
            WorkerId = "test-worker",
            RtpPortMin = first,
            RtpPortMax = first + 199,
            CapacityLegs = 4,
            SilentAfterSeconds = 1,
        }), _events, NullLogger<MediaEngine>.Instance);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _engine.DisposeAsync();

    private async Task<FakePhone> JoinAsync(string id, double toneHz)
    {
        var phone = new FakePhone(toneHz);
        var allocation = await _engine.AllocateLegAsync(new LegRequest(_meeting, id, phone.Offer(), SrtpRequired: false, id));
        Assert.True(allocation.Ok, allocation.Error);
        phone.Connect(allocation.LocalSdp!);
        return phone;
    }

    /// <summary>Every phone sends <paramref name="frames"/> 20 ms frames, and goes on (up to 10 s more) while
    /// <paramref name="until"/> is false: a loaded machine delays the mixer, the assertions stay the same.</summary>
    private static async Task TalkAsync(IEnumerable<FakePhone> phones, int frames, Func<bool>? until = null)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(20));
        for (var i = 0; i < frames || (until is not null && !until() && i < frames + 500); i++)
        {
            foreach (var phone in phones)
            {
                phone.SendFrame();
            }
            await timer.WaitForNextTickAsync();
        }
    }

    [Fact]
    public async Task ThreePhonesHearEachOtherThroughTheWorker()
    {
        using var alice = await JoinAsync("alice", 440);
        using var bob = await JoinAsync("bob", 0);
        using var carol = await JoinAsync("carol", 0);
        Assert.Equal(3, _engine.ActiveLegs);

        // On a loaded machine the phones' 20 ms timer slips and the mix goes thin for a while: talk on
        // until the listeners' last half second carries alice (the assertions below are the same).
        static bool HearsAlice(FakePhone listener)
        {
            var heard = listener.Heard();
            return heard.Length > 12000 && Signal.ToneLevel(heard.AsSpan(heard.Length - 4000), 440, 8000) > 6000;
        }
        await TalkAsync([alice, bob, carol], 75, () => HearsAlice(bob) && HearsAlice(carol) && alice.Heard().Length > 12000);

        foreach (var listener in new[] { bob, carol })
        {
            var heard = listener.Heard();
            Assert.True(heard.Length > 8000, $"only {heard.Length} samples received");
            var level = Signal.ToneLevel(heard.AsSpan(heard.Length - 4000), 440, 8000);
            Assert.True(level > 6000, $"alice's tone at {level:F0}");
        }
        var own = alice.Heard();
        Assert.True(own.Length > 8000, "alice receives a stream too");
        Assert.True(Signal.Rms(own.AsSpan(own.Length - 4000)) < 100, "alice never hears herself");
        Assert.Contains(_events.All, e => e.Kind == MediaEventKind.ActiveSpeakers && e.Detail == "alice");
        Assert.Contains(_events.All, e => e.Kind == MediaEventKind.SsrcLearned && e.ParticipantId == "alice");
    }

    [Fact]
    public async Task MuteTakesEffectAtOnceAndDigitsAreReported()
    {
        using var alice = await JoinAsync("alice", 440);
        using var bob = await JoinAsync("bob", 0);
        await TalkAsync([alice, bob], 30);

        await _engine.ControlLegAsync(_meeting, "alice", new LegControl(Muted: true, SpeakingAllowed: true, VideoOn: true, VideoAllowed: true));
        await Task.Delay(100);
        bob.ClearHeard();
        await TalkAsync([alice, bob], 30);
        var heard = bob.Heard();
        Assert.True(heard.Length > 2000);
        Assert.True(Signal.Rms(heard) < 100, $"bob still hears muted alice at RMS {Signal.Rms(heard):F0}");

        alice.SendDigit('7');
        for (var i = 0; i < 100 && !_events.All.Any(e => e.Kind == MediaEventKind.Dtmf); i++)
        {
            await Task.Delay(20);
        }
        var dtmf = Assert.Single(_events.All, e => e.Kind == MediaEventKind.Dtmf);
        Assert.Equal(("alice", "7"), (dtmf.ParticipantId, dtmf.Detail));
    }

    [Fact]
    public async Task SilentLegIsReportedAndCapacityIsEnforced()
    {
        using var alice = await JoinAsync("alice", 440);
        await TalkAsync([alice], 5);
        for (var i = 0; i < 100 && !_events.All.Any(e => e.Kind == MediaEventKind.LegSilent); i++)
        {
            _engine.Housekeeping();
            await Task.Delay(50);
        }
        Assert.Contains(_events.All, e => e.Kind == MediaEventKind.LegSilent && e.ParticipantId == "alice");

        for (var i = 0; i < 3; i++)
        {
            (await JoinAsync($"p{i}", 0)).Dispose();
        }
        using var extra = new FakePhone(0);
        var refused = await _engine.AllocateLegAsync(new LegRequest(_meeting, "one-too-many", extra.Offer(), false, null));
        Assert.False(refused.Ok);

        await _engine.ReleaseMeetingAsync(_meeting);
        Assert.Equal(0, _engine.ActiveLegs);
    }

    [Fact]
    public async Task OfferlessLegIsCompletedByTheAnswer()
    {
        var allocation = await _engine.AllocateLegAsync(new LegRequest(_meeting, "dave", null, SrtpRequired: true, "Dave"));
        Assert.True(allocation.Ok);
        Assert.Contains("RTP/SAVP", allocation.LocalSdp, StringComparison.Ordinal);

        var peer = new Sparkle.Media.Sdp.LocalAudioEndpoint("127.0.0.1", 40000, true, 1, 1);
        var answer = Sparkle.Media.Sdp.SdpAnswerer.Answer(allocation.LocalSdp!, peer);
        Assert.True(answer.Ok, answer.Error);

        var completed = await _engine.CompleteLegAsync(_meeting, "dave", answer.LocalDescription!.ToString());
        Assert.True(completed.Ok, completed.Error);

        var refused = await _engine.RenegotiateLegAsync(_meeting, "dave", "v=0\r\nm=audio 4000 RTP/AVP 0\r\n");
        Assert.False(refused.Ok); // plain RTP against an SRTP-only tenant
    }

    [Fact]
    public async Task PlainOfferIsRefusedWhenSrtpIsRequired()
    {
        using var phone = new FakePhone(0);
        var allocation = await _engine.AllocateLegAsync(new LegRequest(_meeting, "eve", phone.Offer(), SrtpRequired: true, null));
        Assert.False(allocation.Ok);
        Assert.Equal(0, _engine.ActiveLegs);
    }

    [Fact]
    public async Task RenegotiationCanChangeCodecAndHold()
    {
        using var phone = await JoinAsync("frank", 440);
        var opusOffer = phone.Offer().Replace("RTP/AVP 0 101", "RTP/AVP 111", StringComparison.Ordinal)
            .Replace("a=rtpmap:0 PCMU/8000", "a=rtpmap:111 opus/48000/2", StringComparison.Ordinal)
            .Replace("a=sendrecv", "a=sendonly", StringComparison.Ordinal);

        var answer = await _engine.RenegotiateLegAsync(_meeting, "frank", opusOffer);

        Assert.True(answer.Ok, answer.Error);
        Assert.Contains("o=sparkle ", answer.LocalSdp, StringComparison.Ordinal);
        Assert.Contains(" 2 IN IP4 ", answer.LocalSdp, StringComparison.Ordinal); // o= version went up
        Assert.Contains("a=rtpmap:111 opus/48000/2", answer.LocalSdp, StringComparison.Ordinal);
        Assert.Contains("a=recvonly", answer.LocalSdp, StringComparison.Ordinal);
        Assert.Equal(1, _engine.ActiveLegs);
    }

    [Fact]
    public void AWildcardAnnounceAddressIsRefusedAtStart()
    {
        var options = Options.Create(new MediaWorkerOptions { Address = "0.0.0.0", RtpPortMin = 44000, RtpPortMax = 44100 });
        Assert.Throws<InvalidOperationException>(() => new MediaEngine(options, _events, NullLogger<MediaEngine>.Instance));
    }

    private sealed class Events : IMediaEventSink
    {
        private readonly ConcurrentQueue<MediaEvent> _all = new();

        public IReadOnlyList<MediaEvent> All => [.. _all];

        public void Publish(MediaEvent mediaEvent) => _all.Enqueue(mediaEvent);
    }
}
