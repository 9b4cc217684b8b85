using System.Collections.Concurrent;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Sparkle.Grains.Media;
using Sparkle.Grains.Meetings;
using Sparkle.Grains.Recordings;
using Sparkle.Media.Tests.Codecs;
using Sparkle.MediaWorker;
using Sparkle.MediaWorker.Engine;
using Sparkle.MediaWorker.Replay;
using Sparkle.Recordings;

namespace Sparkle.Media.Tests.Worker;

/// <summary>Private replay through the worker's engine with real UDP phones: a sealed Ogg Opus utterance (sealed
/// with <see cref="SealedFormat"/>, read back by the worker's own <see cref="SealedClipSource"/> from files on disk
/// instead of blob storage, the "tenant key" a dictionary) is played into one phone only.</summary>
public sealed class ReplayEngineTests : IAsyncLifetime
{
    private static int s_portBase = 56000;
    private readonly Guid _meeting = Guid.NewGuid();
    private readonly string _folder = Directory.CreateTempSubdirectory("replay-engine-tests-").FullName;
    private readonly ConcurrentDictionary<string, byte[]> _keys = new();
    private readonly List<FakePhone> _phones = [];
    private MediaEngine _engine = null!;

    public Task InitializeAsync()
    {
        var first = Interlocked.Add(ref s_portBase, 200);
        var clips = new SealedClipSource(
            (_, wrapped) => Task.FromResult(_keys[Convert.ToHexString(wrapped.Ciphertext)].ToArray()),
            blob => new FileRangeSource(Path.Combine(_folder, blob)));
        _engine = new MediaEngine(Options.Create(new MediaWorkerOptions
        {
            WorkerId = "replay-test-worker",
            RtpPortMin = first,
            RtpPortMax = first + 199,
            CapacityLegs = 8,
        }), new NoEvents(), NullLogger<MediaEngine>.Instance, clips: clips);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _engine.DisposeAsync();
        foreach (var phone in _phones)
        {
            phone.Dispose();
        }
        Directory.Delete(_folder, recursive: true);
    }

    private async Task<FakePhone> JoinAsync(string id, double toneHz)
    {
        var phone = new FakePhone(toneHz);
        _phones.Add(phone);
        var allocation = await _engine.AllocateLegAsync(new LegRequest(_meeting, id, phone.Offer(), SrtpRequired: false, id));
        Assert.True(allocation.Ok, allocation.Error);
        phone.Connect(allocation.LocalSdp!);
        return phone;
    }

    /// <summary>Seals a tone utterance as the worker stores one and returns its segment.</summary>
    private async Task<ReplaySegment> StoreToneAsync(double frequency, int frames)
    {
        var plain = OggOpusReaderTests.ToneFile(_folder, frequency, frames, rate: 8000);
        var key = RandomNumberGenerator.GetBytes(32);
        var wrapped = new WrappedKey("k1", RandomNumberGenerator.GetBytes(40));
        _keys[Convert.ToHexString(wrapped.Ciphertext)] = key;
        var blob = $"{Guid.NewGuid():N}.sealed";
        await using (var destination = File.Create(Path.Combine(_folder, blob)))
        {
            await SealedFormat.SealAsync(new MemoryStream(plain), destination, key);
        }
        return new ReplaySegment(Guid.NewGuid(), blob, new FileInfo(Path.Combine(_folder, blob)).Length, wrapped);
    }

    /// <summary>Every phone sends a frame every 20 ms until <paramref name="until"/> holds (at most 15 s: a limit
    /// that turns a hang into a failure, not a measurement). A talker pauses for one frame every 2 s, as people
    /// breathe: the speaker detector takes a tone held for seconds on end for background noise.</summary>
    private static async Task TalkUntilAsync(IEnumerable<FakePhone> phones, Func<bool> until, int atLeast = 0)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(20));
        for (var i = 0; (i < atLeast || !until()) && i < 750; i++)
        {
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
    }

    private static double Level(FakePhone phone, double frequency)
    {
        var heard = phone.Heard();
        return heard.Length < 4000 ? 0 : Signal.ToneLevel(heard.AsSpan(heard.Length - 4000), frequency, 8000);
    }

    [Fact]
    public async Task AReplayIsHeardByItsPhoneOnlyWithTheMeetingDuckedUnderneath()
    {
        var alice = await JoinAsync("alice", 440);
        var bob = await JoinAsync("bob", 0);
        var carol = await JoinAsync("carol", 0);
        FakePhone[] all = [alice, bob, carol];
        await TalkUntilAsync(all, () => Level(bob, 440) > 6000 && Level(carol, 440) > 6000);

        var segment = await StoreToneAsync(1000, frames: 400); // 8 s
        Assert.True(await _engine.PlayIntoLegAsync(_meeting, "bob", new ReplayClip(Guid.NewGuid(), [segment, segment])));
        // Wait until every phone's last half second shows what the test asserts: bob hears the clip loud with
        // alice ducked under it (not merely absent), carol and alice hear no clip and carol hears alice in full.
        // One late mixer tick on a loaded machine leaves a gap in some phone's window (a fresh CI run failed on
        // a single reading taken after only bob's condition held); a leak of the replay lasts the whole 16 s clip
        // and still fails.
        // The asserts check the readings the wait ended on; readings taken again later would be other windows.
        (double Clip, double Meeting, double CarolClip, double CarolMeeting, double AliceClip) heard = default;
        await TalkUntilAsync(all, () =>
        {
            heard = (Level(bob, 1000), Level(bob, 440), Level(carol, 1000), Level(carol, 440), Level(alice, 1000));
            return heard.Clip > 6000 && heard.Meeting is >= 1300 and <= 2900
                && heard.CarolClip < 150 && heard.CarolMeeting > 6000 && heard.AliceClip < 150;
        }, atLeast: 25);

        Assert.True(heard.Clip > 6000, $"bob hears the replay at {heard.Clip:F0}");
        Assert.InRange(heard.Meeting, 1300, 2900); // 8000 at -12 dB is 2000, through G.711 twice
        Assert.True(heard.CarolClip < 150, $"carol hears bob's replay at {heard.CarolClip:F0}");
        Assert.True(heard.CarolMeeting > 6000, $"carol hears alice at {heard.CarolMeeting:F0}, not in full");
        Assert.True(heard.AliceClip < 150, $"alice hears bob's replay at {heard.AliceClip:F0}");
    }

    [Fact]
    public async Task NoReplayForAnUnknownLegOrOneInTheLobby()
    {
        var alice = await JoinAsync("alice", 440);
        await _engine.ControlLegAsync(_meeting, "alice", new LegControl(Muted: true, SpeakingAllowed: true, VideoOn: true, VideoAllowed: true, Listening: false));
        var segment = await StoreToneAsync(1000, frames: 50);

        Assert.False(await _engine.PlayIntoLegAsync(_meeting, "alice", new ReplayClip(Guid.NewGuid(), [segment])));
        Assert.False(await _engine.PlayIntoLegAsync(_meeting, "nobody", new ReplayClip(Guid.NewGuid(), [segment])));
        Assert.False(await _engine.PlayIntoLegAsync(Guid.NewGuid(), "alice", new ReplayClip(Guid.NewGuid(), [segment])));
        await Assert.ThrowsAsync<ArgumentException>(() => _engine.PlayIntoLegAsync(_meeting, "alice", new ReplayClip(Guid.NewGuid(), [])));
    }

    private sealed class NoEvents : IMediaEventSink
    {
        public void Publish(MediaEvent mediaEvent)
        {
        }
    }
}
