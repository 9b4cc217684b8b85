using Sparkle.Media.Codecs;
using Sparkle.Media.Mixing;
using Xunit.Abstractions;

namespace Sparkle.Media.Tests.Mixing;

/// <summary>A private replay into one leg: that leg hears it over the meeting ducked by 12 dB; nobody else hears
/// it; a new one replaces the old; a leg kept out of the conversation gets none; the tick still allocates nothing.</summary>
public class PrivatePlaybackTests(ITestOutputHelper output)
{
    private const double Amplitude = 8000;
    private const double Ducked = Amplitude * 0.2512; // -12 dB

    private static PrivatePlayback Tone(double frequency, double seconds, double amplitude = Amplitude) =>
        new(Signal.Sine(frequency, MixerOptions.MixRate, (int)(seconds * MixerOptions.MixRate), amplitude));

    [Theory]
    [InlineData(AudioCodec.Pcmu)]
    [InlineData(AudioCodec.G722)]
    [InlineData(AudioCodec.Opus)]
    public void OnlyTheReplayingLegHearsTheClipWithTheMeetingDuckedUnderneath(AudioCodec codec)
    {
        using var harness = new MixerHarness();
        var a = harness.Add("A", codec, MixerHarness.Tone(440, Amplitude));
        var b = harness.Add("B", codec, MixerHarness.Silence());
        var c = harness.Add("C", codec, MixerHarness.Silence());
        harness.Run(25);

        b.Leg.PlayPrivately(Tone(1000, 3));
        harness.Run(100);

        var rate = codec.SampleRate();
        var heard = b.LastHeard(50);
        var clip = Signal.ToneAmplitude(heard, 1000, rate);
        var meeting = Signal.ToneAmplitude(heard, 440, rate);
        output.WriteLine($"{codec}: B hears the clip at {clip:F0}, the meeting at {meeting:F0} (ducked target {Ducked:F0})");
        Assert.InRange(clip, Amplitude * 0.85, Amplitude * 1.15);
        Assert.InRange(meeting, Ducked * 0.8, Ducked * 1.2);

        foreach (var other in new[] { a, c })
        {
            var leaked = Signal.ToneAmplitude(other.LastHeard(50), 1000, rate);
            output.WriteLine($"{codec}: {other.Id} hears the clip at {leaked:F1}");
            Assert.True(leaked < Amplitude * 0.01, $"{other.Id} hears B's replay at {leaked:F1}");
        }
        Assert.InRange(Signal.ToneAmplitude(c.LastHeard(50), 440, rate), Amplitude * 0.85, Amplitude * 1.15);

        // The clip ends after 3 s: the meeting comes back at its full level.
        harness.Run(80);
        Assert.Null(b.Leg.Playback);
        var after = b.LastHeard(25);
        Assert.InRange(Signal.ToneAmplitude(after, 440, rate), Amplitude * 0.85, Amplitude * 1.15);
        Assert.True(Signal.ToneAmplitude(after, 1000, rate) < Amplitude * 0.01);
    }

    [Fact]
    public void ASpeakerReplayingHearsTheClipAndTheOthersButNeverItself()
    {
        using var harness = new MixerHarness();
        var a = harness.Add("A", AudioCodec.Opus, MixerHarness.Tone(440, Amplitude));
        var b = harness.Add("B", AudioCodec.Opus, MixerHarness.Tone(700, Amplitude));
        var c = harness.Add("C", AudioCodec.Opus, MixerHarness.Silence());
        harness.Run(25);

        a.Leg.PlayPrivately(Tone(1000, 3));
        harness.Run(75);

        var heard = a.LastHeard(50);
        Assert.InRange(Signal.ToneAmplitude(heard, 1000, 48000), Amplitude * 0.85, Amplitude * 1.15);
        Assert.InRange(Signal.ToneAmplitude(heard, 700, 48000), Ducked * 0.8, Ducked * 1.2);
        Assert.True(Signal.ToneAmplitude(heard, 440, 48000) < Amplitude * 0.01, "A hears its own voice");
        Assert.True(Signal.ToneAmplitude(b.LastHeard(50), 1000, 48000) < Amplitude * 0.01);
        Assert.True(Signal.ToneAmplitude(c.LastHeard(50), 1000, 48000) < Amplitude * 0.01);
    }

    [Fact]
    public void ANewReplayReplacesTheOneInProgressAndALobbyLegGetsNone()
    {
        using var harness = new MixerHarness();
        harness.Add("A", AudioCodec.Pcmu, MixerHarness.Tone(440, Amplitude));
        var b = harness.Add("B", AudioCodec.Pcmu, MixerHarness.Silence());
        var lobby = harness.Add("L", AudioCodec.Pcmu, MixerHarness.Silence());
        lobby.Leg.Listening = false;
        harness.Run(25);

        b.Leg.PlayPrivately(Tone(1000, 10));
        harness.Run(20);
        var second = Tone(1500, 10);
        b.Leg.PlayPrivately(second);
        harness.Run(50);
        var heard = b.LastHeard(40);
        Assert.Same(second, b.Leg.Playback);
        Assert.InRange(Signal.ToneAmplitude(heard, 1500, 8000), Amplitude * 0.85, Amplitude * 1.15);
        Assert.True(Signal.ToneAmplitude(heard, 1000, 8000) < Amplitude * 0.01, "the first replay goes on");

        // A leg in the lobby is sent nothing; a replay handed to it is dropped, not kept for later.
        var framesBefore = lobby.FramesReceived;
        lobby.Leg.PlayPrivately(Tone(1000, 10));
        harness.Run(1);
        Assert.Null(lobby.Leg.Playback);
        Assert.Equal(framesBefore, lobby.FramesReceived);
        lobby.Leg.Listening = true;
        harness.Run(50);
        Assert.True(Signal.ToneAmplitude(lobby.LastHeard(40), 1000, 8000) < Amplitude * 0.01);
    }

    [Fact]
    public void TickWithReplaysRunningAllocatesNothing()
    {
        using var mixer = new ConferenceMixer();
        var sink = new NullSink();
        var legs = Enumerable.Range(0, 10).Select(i => mixer.AddLeg($"P{i}", i % 2 == 0 ? AudioCodec.Pcmu : AudioCodec.Opus, sink)).ToList();
        var payload = new byte[160];
        G711.Encode(Signal.Sine(440, 8000, 160, 8000), payload, aLaw: false);
        var silence = new byte[160];
        G711.Encode(new short[160], silence, aLaw: false);
        // Replays into a speaker (P0), an Opus listener (P1) and a G.711 listener (P2); the next one is ready.
        legs[0].PlayPrivately(Tone(1000, 10));
        legs[1].PlayPrivately(Tone(1000, 10));
        legs[2].PlayPrivately(Tone(1000, 10));
        var replacement = Tone(1500, 10);
        ushort seq = 0;
        void Tick(int t)
        {
            foreach (var leg in legs.Where(l => l.Codec == AudioCodec.Pcmu))
            {
                leg.Receive(seq, seq * 160u, leg == legs[0] ? payload : silence, t * TimeSpan.TicksPerMillisecond * 20);
            }
            seq++;
            mixer.Tick();
        }
        for (var t = 0; t < 50; t++)
        {
            Tick(t);
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var t = 50; t < 150; t++)
        {
            if (t == 100)
            {
                legs[1].PlayPrivately(replacement);
            }
            foreach (var leg in legs)
            {
                if (leg.Codec == AudioCodec.Pcmu)
                {
                    leg.Receive(seq, seq * 160u, leg == legs[0] ? payload : silence, t * TimeSpan.TicksPerMillisecond * 20);
                }
            }
            seq++;
            mixer.Tick();
        }
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.True(allocated < 1024, $"{allocated} bytes allocated over 100 ticks");
        Assert.NotNull(legs[0].Playback);
        Assert.Same(replacement, legs[1].Playback);
        Assert.Equal(50 * MixerOptions.MixFrameSamples, replacement.Position);
    }

    private sealed class NullSink : IMixerLegSink
    {
        public void SendFrame(ReadOnlySpan<byte> payload, uint rtpTicks)
        {
        }
    }
}
