using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Sparkle.Grains.Media;
using Sparkle.Grains.Meetings;
using Sparkle.MediaWorker;
using Sparkle.MediaWorker.Engine;

namespace Sparkle.Media.Tests.Worker;

/// <summary>One meeting over two and three <see cref="MediaEngine"/>s in one process, linked by cascade trunks as the
/// meeting grain links them (home opens towards the spoke, the spoke towards home, then each connects to the other's
/// end), with real UDP phones sending distinct tones on each worker.</summary>
public sealed class CascadeEngineTests : IAsyncLifetime
{
    private static int s_portBase = 52000;
    private readonly Guid _meeting = Guid.NewGuid();
    private readonly List<FakePhone> _phones = [];
    private readonly Dictionary<string, (MediaEngine Engine, RecordingEvents Events)> _workers = [];

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var (engine, _) in _workers.Values)
        {
            await engine.DisposeAsync();
        }
        foreach (var phone in _phones)
        {
            phone.Dispose();
        }
    }

    private MediaEngine Worker(string id)
    {
        if (_workers.TryGetValue(id, out var existing))
        {
            return existing.Engine;
        }
        var first = Interlocked.Add(ref s_portBase, 100);
        var events = new RecordingEvents();
        var engine = new MediaEngine(Options.Create(new MediaWorkerOptions
        {
            WorkerId = id,
            RtpPortMin = first,
            RtpPortMax = first + 99,
            CapacityLegs = 8,
        }), events, NullLogger<MediaEngine>.Instance);
        _workers[id] = (engine, events);
        return engine;
    }

    private RecordingEvents EventsOf(string worker) => _workers[worker].Events;

    /// <summary>What the meeting grain does: open both ends, then connect each to the other.</summary>
    private async Task LinkAsync(string home, string spoke)
    {
        var homeEnd = await Worker(home).OpenTrunkAsync(new TrunkRequest(_meeting, spoke, Home: true));
        var spokeEnd = await Worker(spoke).OpenTrunkAsync(new TrunkRequest(_meeting, home, Home: false));
        Assert.Equal(home, homeEnd.WorkerId);
        Assert.Equal(30, homeEnd.SendKey.Length);
        Assert.True(await Worker(home).ConnectTrunkAsync(_meeting, spoke, spokeEnd));
        Assert.True(await Worker(spoke).ConnectTrunkAsync(_meeting, home, homeEnd));
    }

    private async Task<FakePhone> JoinAsync(string worker, string id, double toneHz)
    {
        var phone = new FakePhone(toneHz);
        _phones.Add(phone);
        var allocation = await Worker(worker).AllocateLegAsync(new LegRequest(_meeting, id, phone.Offer(), SrtpRequired: false, id));
        Assert.True(allocation.Ok, allocation.Error);
        phone.Connect(allocation.LocalSdp!);
        return phone;
    }

    /// <summary>Every phone sends a frame every 20 ms until <paramref name="until"/> holds (at most 15 s: a limit that
    /// turns a hang into a failure). A talker pauses one frame every 2 s, as people breathe: the speaker detector takes
    /// a tone held for seconds on end for background noise.</summary>
    private static async Task<bool> TalkUntilAsync(IReadOnlyList<FakePhone> phones, Func<bool> until, int atLeast = 0)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(20));
        for (var i = 0; i < 750; i++)
        {
            if (i >= atLeast && until())
            {
                return true;
            }
            foreach (var phone in phones)
            {
                var tone = phone.ToneHz;
                if (i % 100 == 99)
                {
                    phone.ToneHz = 0;
                }
                phone.SendFrame();
                phone.ToneHz = tone;
            }
            await timer.WaitForNextTickAsync();
        }
        return until();
    }

    /// <summary>A tone's level in what a phone heard over its last half second.</summary>
    private static double Level(FakePhone phone, double frequency)
    {
        var heard = phone.Heard();
        return heard.Length < 4000 ? 0 : Signal.ToneLevel(heard.AsSpan(heard.Length - 4000), frequency, 8000);
    }

    private const double Heard = 4000;   // a tone sent at 8000, through G.711 and the trunk's Opus
    private const double Absent = 250;

    /// <summary>Waits until every phone hears every other phone's tone and not its own; returns the readings the wait
    /// ended on (phone x tone), which the caller asserts.</summary>
    private static async Task<double[,]> HearEachOtherAsync(IReadOnlyList<FakePhone> talking, IReadOnlyList<FakePhone> listeners,
        bool evenly = false)
    {
        var levels = new double[listeners.Count, talking.Count];
        await TalkUntilAsync(talking.Union(listeners).ToList(), () =>
        {
            var ok = true;
            for (var l = 0; l < listeners.Count; l++)
            {
                for (var t = 0; t < talking.Count; t++)
                {
                    levels[l, t] = Level(listeners[l], talking[t].ToneHz);
                    ok &= listeners[l] == talking[t] ? levels[l, t] < Absent : levels[l, t] > Heard;
                }
                ok &= !evenly || HeardEvenly(talking, listeners, levels, l);
            }
            return ok;
        }, atLeast: 25);
        return levels;
    }

    private static void AssertHeardExactly(IReadOnlyList<FakePhone> talking, IReadOnlyList<FakePhone> listeners, double[,] levels)
    {
        for (var l = 0; l < listeners.Count; l++)
        {
            for (var t = 0; t < talking.Count; t++)
            {
                if (listeners[l] == talking[t])
                {
                    Assert.True(levels[l, t] < Absent, $"phone {l} hears its own {talking[t].ToneHz} Hz at {levels[l, t]:F0}");
                }
                else
                {
                    Assert.True(levels[l, t] > Heard, $"phone {l} hears {talking[t].ToneHz} Hz at {levels[l, t]:F0}");
                }
            }
        }
    }

    [Fact]
    public async Task TwoWorkersEveryPhoneHearsEveryOtherToneAndNeverItsOwn()
    {
        await LinkAsync("home", "spoke");
        var alice = await JoinAsync("home", "alice", 440);
        var bob = await JoinAsync("home", "bob", 660);
        var carol = await JoinAsync("spoke", "carol", 880);
        FakePhone[] all = [alice, bob, carol];

        AssertHeardExactly(all, all, await HearEachOtherAsync(all, all));
    }

    [Fact]
    public async Task ThreeWorkersInAStarEveryPhoneHearsEveryOtherToneOnceAndNeverItsOwn()
    {
        // The trunks come first, as when the grain spills legs over: both ends work with no leg yet.
        await LinkAsync("home", "spoke1");
        await LinkAsync("home", "spoke2");
        var alice = await JoinAsync("home", "alice", 440);
        var bob = await JoinAsync("spoke1", "bob", 660);
        var carol = await JoinAsync("spoke2", "carol", 880);
        var dave = await JoinAsync("spoke1", "dave", 0); // listens only
        FakePhone[] talking = [alice, bob, carol];
        FakePhone[] listeners = [alice, bob, carol, dave];

        var levels = await HearEachOtherAsync(talking, listeners, evenly: true);

        AssertHeardExactly(talking, listeners, levels);
        // Heard once: a voice that came twice (directly and back through a peer) would be about twice as loud as
        // the others (or, out of phase, much weaker) for as long as it talks; every tone a phone hears is at the
        // level of the others it hears.
        for (var l = 0; l < listeners.Length; l++)
        {
            var others = Enumerable.Range(0, talking.Length).Where(t => talking[t] != listeners[l]).Select(t => levels[l, t]).ToList();
            Assert.True(HeardEvenly(talking, listeners, levels, l), $"phone {l} hears tones at {string.Join(", ", others.Select(v => v.ToString("F0")))}");
        }
    }

    private static bool HeardEvenly(IReadOnlyList<FakePhone> talking, IReadOnlyList<FakePhone> listeners, double[,] levels, int listener)
    {
        var others = Enumerable.Range(0, talking.Count).Where(t => talking[t] != listeners[listener]).Select(t => levels[listener, t]).ToList();
        return others.Max() < 1.5 * others.Min();
    }

    [Fact]
    public async Task HomeNamesARemoteSpeakerAndNoWorkerNamesATrunk()
    {
        await LinkAsync("home", "spoke");
        var alice = await JoinAsync("home", "alice", 0);
        var carol = await JoinAsync("spoke", "carol", 880);

        Assert.True(await TalkUntilAsync([alice, carol], () => EventsOf("home").SpeakerLists().Any(s => s.FirstOrDefault() == "carol")),
            $"home's speaker events: {string.Join(" | ", EventsOf("home").SpeakerLists().Select(s => string.Join(",", s)))}");
        alice.ToneHz = 440;
        carol.ToneHz = 0;
        Assert.True(await TalkUntilAsync([alice, carol], () => EventsOf("spoke").SpeakerLists().Any(s => s.Contains("alice"))
            && EventsOf("home").SpeakerLists().LastOrDefault() is ["alice"]));

        foreach (var worker in new[] { "home", "spoke" })
        {
            Assert.DoesNotContain(EventsOf(worker).SpeakerLists(), s => s.Any(id => id.Contains("trunk", StringComparison.Ordinal)));
        }
    }

    [Fact]
    public async Task ADeadTrunkLeavesEachSideHearingItsOwnAndReopeningBringsTheOthersBack()
    {
        await LinkAsync("home", "spoke");
        var alice = await JoinAsync("home", "alice", 440);
        var bob = await JoinAsync("home", "bob", 660);
        var carol = await JoinAsync("spoke", "carol", 880);
        var dave = await JoinAsync("spoke", "dave", 1100);
        FakePhone[] all = [alice, bob, carol, dave];
        AssertHeardExactly(all, all, await HearEachOtherAsync(all, all));

        // The spoke's end dies: home's end is left sending into nothing and hears nothing.
        await Worker("spoke").CloseTrunkAsync(_meeting, "home");
        (double AliceHearsBob, double BobHearsAlice, double CarolHearsDave, double DaveHearsCarol, double AliceHearsCarol, double CarolHearsAlice) cut = default;
        Assert.True(await TalkUntilAsync(all, () =>
        {
            cut = (Level(alice, 660), Level(bob, 440), Level(carol, 1100), Level(dave, 880), Level(alice, 880), Level(carol, 440));
            return cut.AliceHearsBob > Heard && cut.BobHearsAlice > Heard && cut.CarolHearsDave > Heard && cut.DaveHearsCarol > Heard
                && cut.AliceHearsCarol < Absent && cut.CarolHearsAlice < Absent;
        }, atLeast: 25), $"after the cut: {cut}");

        // Re-established as the grain does it: open both again (replacing home's stale end), connect.
        await LinkAsync("home", "spoke");
        AssertHeardExactly(all, all, await HearEachOtherAsync(all, all));
    }

    [Fact]
    public async Task ATrunkThatLosesEveryFifthPacketEachWayStillCarriesBothWays()
    {
        var homeEnd = await Worker("home").OpenTrunkAsync(new TrunkRequest(_meeting, "spoke", Home: true));
        var spokeEnd = await Worker("spoke").OpenTrunkAsync(new TrunkRequest(_meeting, "home", Home: false));
        using var relay = new LossyRelay(homeEnd.Port, spokeEnd.Port, dropEvery: 5);
        Assert.True(await Worker("home").ConnectTrunkAsync(_meeting, "spoke", spokeEnd with { Port = relay.TowardsSpoke }));
        Assert.True(await Worker("spoke").ConnectTrunkAsync(_meeting, "home", homeEnd with { Port = relay.TowardsHome }));
        var alice = await JoinAsync("home", "alice", 440);
        var bob = await JoinAsync("home", "bob", 660);
        var carol = await JoinAsync("spoke", "carol", 880);
        FakePhone[] all = [alice, bob, carol];

        AssertHeardExactly(all, all, await HearEachOtherAsync(all, all));
        // Every 5th of at least 25 frames each way (the half second the levels are read over) and more before.
        Assert.True(relay.Dropped >= 10, $"{relay.Dropped} dropped");
    }

    [Fact]
    public async Task GarbageAndForgeriesOnTheTrunkPortAreCountedAndDropped()
    {
        var homeEnd = await Worker("home").OpenTrunkAsync(new TrunkRequest(_meeting, "spoke", Home: true));
        using var attacker = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        var target = new IPEndPoint(IPAddress.Parse(homeEnd.Address), homeEnd.Port);
        attacker.SendTo(new byte[] { 0x80, 0x6f, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 1, 2, 3 }, target);
        await WaitForAsync(() => Worker("home").TrunkCounters(_meeting, "spoke")!.BeforeConnect >= 1);

        var spokeEnd = await Worker("spoke").OpenTrunkAsync(new TrunkRequest(_meeting, "home", Home: false));
        Assert.True(await Worker("home").ConnectTrunkAsync(_meeting, "spoke", spokeEnd));
        Assert.True(await Worker("spoke").ConnectTrunkAsync(_meeting, "home", homeEnd));
        Assert.False(await Worker("home").ConnectTrunkAsync(_meeting, "nobody", spokeEnd));
        await Assert.ThrowsAsync<ArgumentException>(() => Worker("home").ConnectTrunkAsync(_meeting, "spoke", spokeEnd with { SendKey = new byte[3] }));

        var alice = await JoinAsync("home", "alice", 440);
        var carol = await JoinAsync("spoke", "carol", 880);
        var random = new Random(7);
        var garbage = new byte[200];
        var forged = new byte[200];
        var counters = Worker("home").TrunkCounters(_meeting, "spoke")!;
        Assert.True(await TalkUntilAsync([alice, carol], () =>
        {
            // Noise, truncated headers, and RTP/RTCP that look right but carry no valid SRTP tag.
            random.NextBytes(garbage);
            attacker.SendTo(garbage.AsSpan(0, random.Next(1, garbage.Length)), SocketFlags.None, target);
            random.NextBytes(forged);
            forged[0] = 0x80;
            forged[1] = (byte)(random.Next(2) == 0 ? 111 : 200);
            attacker.SendTo(forged.AsSpan(0, random.Next(8, forged.Length)), SocketFlags.None, target);
            return Level(alice, 880) > Heard && Level(carol, 440) > Heard && counters.AuthenticationFailures > 20 && counters.Garbage > 20;
        }, atLeast: 50), $"alice hears carol at {Level(alice, 880):F0}, carol hears alice at {Level(carol, 440):F0}, counters {counters.AuthenticationFailures}/{counters.Garbage}");
        Assert.Equal(0, counters.Errors);
    }

    [Fact]
    public async Task ATrunkAloneKeepsTheMeetingOnTheWorkerUntilItCloses()
    {
        await LinkAsync("home", "spoke");
        var carol = await JoinAsync("spoke", "carol", 880);
        await Worker("spoke").ReleaseLegAsync(_meeting, "carol");
        Assert.Equal(1, Worker("spoke").ActiveMeetings);
        Assert.NotNull(Worker("spoke").TrunkCounters(_meeting, "home"));

        await Worker("spoke").CloseTrunkAsync(_meeting, "home");
        Assert.Equal(0, Worker("spoke").ActiveMeetings);
        Assert.Equal(1, Worker("home").ActiveMeetings);
        await Worker("home").ReleaseMeetingAsync(_meeting);
        Assert.Equal(0, Worker("home").ActiveMeetings);
        Assert.Null(Worker("home").TrunkCounters(_meeting, "spoke"));
        _ = carol;
    }

    private static async Task WaitForAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!condition() && DateTime.UtcNow < deadline)
        {
            await Task.Delay(10);
        }
        Assert.True(condition());
    }

    /// <summary>Two UDP ports between a trunk's ends that forward what each end sends to the other, dropping every
    /// n-th datagram each way.</summary>
    private sealed class LossyRelay : IDisposable
    {
        private readonly Socket _towardsSpoke = new(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        private readonly Socket _towardsHome = new(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        private readonly CancellationTokenSource _stop = new();
        private readonly Task[] _loops;
        private long _dropped;

        public LossyRelay(int homePort, int spokePort, int dropEvery)
        {
            _towardsSpoke.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            _towardsHome.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            _loops =
            [
                Task.Run(() => Forward(_towardsSpoke, new IPEndPoint(IPAddress.Loopback, spokePort), dropEvery)),
                Task.Run(() => Forward(_towardsHome, new IPEndPoint(IPAddress.Loopback, homePort), dropEvery)),
            ];
        }

        public int TowardsSpoke => ((IPEndPoint)_towardsSpoke.LocalEndPoint!).Port;
        public int TowardsHome => ((IPEndPoint)_towardsHome.LocalEndPoint!).Port;
        public long Dropped => Interlocked.Read(ref _dropped);

        private async Task Forward(Socket socket, IPEndPoint to, int dropEvery)
        {
            var buffer = new byte[2048];
            for (var n = 1; !_stop.IsCancellationRequested; n++)
            {
                int length;
                try
                {
                    length = await socket.ReceiveAsync(buffer, SocketFlags.None, _stop.Token);
                }
                catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
                {
                    return;
                }
                if (n % dropEvery == 0)
                {
                    Interlocked.Increment(ref _dropped);
                    continue;
                }
                await socket.SendToAsync(buffer.AsMemory(0, length), SocketFlags.None, to);
            }
        }

        public void Dispose()
        {
            _stop.Cancel();
            _towardsSpoke.Dispose();
            _towardsHome.Dispose();
            Task.WaitAll(_loops, TimeSpan.FromSeconds(2));
            _stop.Dispose();
        }
    }

    internal sealed class RecordingEvents : IMediaEventSink
    {
        private readonly ConcurrentQueue<MediaEvent> _events = new();

        public void Publish(MediaEvent mediaEvent) => _events.Enqueue(mediaEvent);

        public List<string[]> SpeakerLists() =>
        [
            .. _events.Where(e => e.Kind == MediaEventKind.ActiveSpeakers)
                .Select(e => (e.Detail ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries)),
        ];
    }
}
