using Sparkle.Media.Codecs;
using Sparkle.Media.Mixing;
using Xunit.Abstractions;

namespace Sparkle.Media.Tests.Mixing;

public class ConferenceMixerTests(ITestOutputHelper output)
{
    private const double Amplitude = 8000;

    [Theory]
    [InlineData(AudioCodec.Pcmu)]
    [InlineData(AudioCodec.G722)]
    [InlineData(AudioCodec.Opus)]
    public void OnesToneReachesTheOthersAtItsLevelAndNeverItself(AudioCodec codec)
    {
        using var harness = new MixerHarness();
        var a = harness.Add("A", codec, MixerHarness.Tone(440, Amplitude));
        var b = harness.Add("B", codec, MixerHarness.Silence());
        var c = harness.Add("C", codec, MixerHarness.Silence());

        harness.Run(100);

        var rate = codec.SampleRate();
        foreach (var listener in new[] { b, c })
        {
            var heard = listener.LastHeard(50);
            var level = Signal.ToneAmplitude(heard, 440, rate);
            output.WriteLine($"{codec}: {listener.Id} hears A at {level:F0} (sent {Amplitude})");
            Assert.InRange(level, Amplitude * 0.85, Amplitude * 1.15);
        }
        var own = Signal.Rms(a.LastHeard(50));
        output.WriteLine($"{codec}: A hears itself at RMS {own:F1}");
        Assert.True(own < Amplitude * 0.01, $"A hears its own voice at RMS {own:F1}");
    }

    [Fact]
    public void MixedSignalSnrThroughG711()
    {
        using var harness = new MixerHarness();
        var source = MixerHarness.Tone(440, Amplitude);
        harness.Add("A", AudioCodec.Pcmu, source);
        var b = harness.Add("B", AudioCodec.Pcmu, MixerHarness.Silence());
        harness.Run(100);

        // The reference: what A sent over the same stretch, found by delay search.
        var reference = Enumerable.Range(0, 100).SelectMany(f => source(f, 8000)).ToArray();
        var heard = b.Heard.ToArray();
        var (snr, lag, gain) = Signal.Snr(reference, heard, maxLag: 800, skip: 4000);
        output.WriteLine($"G.711 → 48 kHz mix → G.711: SNR {snr:F1} dB, delay {lag / 8.0:F1} ms, gain {gain:F3}");
        Assert.True(snr > 28, $"SNR {snr:F1} dB");
    }

    [Fact]
    public void TwoTalkersEachHearOnlyTheOther()
    {
        using var harness = new MixerHarness();
        var a = harness.Add("A", AudioCodec.Pcmu, MixerHarness.Tone(440, Amplitude));
        var b = harness.Add("B", AudioCodec.Opus, MixerHarness.Tone(1000, Amplitude));
        var c = harness.Add("C", AudioCodec.G722, MixerHarness.Silence());
        harness.Run(100);

        var heardByA = a.LastHeard(50);
        Assert.True(Signal.ToneAmplitude(heardByA, 1000, 8000) > Amplitude * 0.8);
        Assert.True(Signal.ToneAmplitude(heardByA, 440, 8000) < Amplitude * 0.01);
        var heardByB = b.LastHeard(50);
        Assert.True(Signal.ToneAmplitude(heardByB, 440, 48000) > Amplitude * 0.8);
        Assert.True(Signal.ToneAmplitude(heardByB, 1000, 48000) < Amplitude * 0.01);
        var heardByC = c.LastHeard(50);
        Assert.True(Signal.ToneAmplitude(heardByC, 440, 16000) > Amplitude * 0.8);
        Assert.True(Signal.ToneAmplitude(heardByC, 1000, 16000) > Amplitude * 0.8);
    }

    [Fact]
    public void MutedAndForbiddenLegsAreNotMixed()
    {
        using var harness = new MixerHarness();
        var a = harness.Add("A", AudioCodec.Pcmu, MixerHarness.Tone(440, Amplitude));
        var b = harness.Add("B", AudioCodec.Pcmu, MixerHarness.Tone(1000, Amplitude));
        var c = harness.Add("C", AudioCodec.Pcmu, MixerHarness.Silence());
        harness.Run(50);
        a.Leg.Muted = true;
        b.Leg.SpeakingAllowed = false;
        harness.Run(50);

        var heard = c.LastHeard(40);
        Assert.True(Signal.Rms(heard) < 20, $"C still hears RMS {Signal.Rms(heard):F1}");
        Assert.Empty(harness.Mixer.ActiveSpeakers);

        a.Leg.Muted = false;
        harness.Run(50);
        Assert.True(Signal.ToneAmplitude(c.LastHeard(40), 440, 8000) > Amplitude * 0.8);
        Assert.True(Signal.ToneAmplitude(c.LastHeard(40), 1000, 8000) < Amplitude * 0.01);
    }

    [Fact]
    public void ALegInTheLobbyIsSentNothingUntilAdmitted()
    {
        using var harness = new MixerHarness();
        harness.Add("A", AudioCodec.Pcmu, MixerHarness.Tone(440, Amplitude));
        var lobby = harness.Add("L", AudioCodec.Pcmu, MixerHarness.Silence());
        lobby.Leg.Listening = false;
        harness.Run(50);
        Assert.Equal(0, lobby.FramesReceived);

        lobby.Leg.Listening = true;
        harness.Run(50);
        Assert.True(lobby.FramesReceived > 40);
        Assert.True(Signal.ToneAmplitude(lobby.LastHeard(40), 440, 8000) > Amplitude * 0.8);
    }

    [Fact]
    public void GainScalesWhatALegContributes()
    {
        using var harness = new MixerHarness();
        var a = harness.Add("A", AudioCodec.Pcmu, MixerHarness.Tone(440, Amplitude));
        var b = harness.Add("B", AudioCodec.Pcmu, MixerHarness.Silence());
        a.Leg.Gain = 0.5f;
        harness.Run(100);
        Assert.InRange(Signal.ToneAmplitude(b.LastHeard(50), 440, 8000), Amplitude * 0.45, Amplitude * 0.55);
    }

    [Fact]
    public void OnlyTheLoudestFewAreMixed()
    {
        using var harness = new MixerHarness(new MixerOptions { MaxSpeakers = 2 });
        harness.Add("loud", AudioCodec.Pcmu, MixerHarness.Tone(400, 12000));
        harness.Add("medium", AudioCodec.Pcmu, MixerHarness.Tone(1000, 6000));
        harness.Add("quiet", AudioCodec.Pcmu, MixerHarness.Tone(2200, 2000));
        var listener = harness.Add("listener", AudioCodec.Pcmu, MixerHarness.Silence());
        harness.Run(100);

        var heard = listener.LastHeard(50);
        Assert.True(Signal.ToneAmplitude(heard, 400, 8000) > 10000);
        Assert.True(Signal.ToneAmplitude(heard, 1000, 8000) > 5000);
        Assert.True(Signal.ToneAmplitude(heard, 2200, 8000) < 100, "the third talker is not mixed");
        Assert.Equal(["loud", "medium"], harness.Mixer.ActiveSpeakers);
    }

    [Fact]
    public void NonSpeakersShareOneEncodedStreamPerCodec()
    {
        using var harness = new MixerHarness();
        var a = harness.Add("A", AudioCodec.Opus, MixerHarness.Tone(440, Amplitude));
        var listeners = Enumerable.Range(0, 3).Select(i => harness.Add($"L{i}", AudioCodec.Opus, MixerHarness.Silence())).ToList();
        harness.Run(30);
        Assert.All(listeners, l => Assert.Equal(listeners[0].LastPayload, l.LastPayload));
        Assert.NotEqual(listeners[0].LastPayload, a.LastPayload);
    }

    [Fact]
    public void ActiveSpeakerChangesAreReported()
    {
        using var harness = new MixerHarness();
        var events = new List<string>();
        harness.Mixer.ActiveSpeakersChanged += speakers => events.Add(string.Join(",", speakers));
        var a = harness.Add("A", AudioCodec.Pcmu, MixerHarness.Tone(440, Amplitude));
        harness.Add("B", AudioCodec.Pcmu, MixerHarness.Silence());
        harness.Run(20);
        a.Leg.Muted = true;
        harness.Run(20);

        Assert.Equal(["A", ""], events);
    }

    [Fact]
    public void TapsSeeEachLegsSpeechAndTheMix()
    {
        using var harness = new MixerHarness();
        var tap = new CountingTap();
        harness.Mixer.AddTap(tap);
        var a = harness.Add("A", AudioCodec.Pcmu, MixerHarness.Tone(440, Amplitude));
        a.Leg.AddTap(tap);
        harness.Run(20);
        Assert.Equal(20, tap.LegFrames);
        Assert.True(tap.VoicedFrames > 10);
        Assert.Equal(20, tap.MixFrames);
    }

    [Fact]
    public void TickAllocatesNothingOnceRunning()
    {
        using var mixer = new ConferenceMixer();
        var sink = new NullSink();
        var legs = Enumerable.Range(0, 10).Select(i => mixer.AddLeg($"P{i}", i % 2 == 0 ? AudioCodec.Pcmu : AudioCodec.Opus, sink)).ToList();
        var payload = new byte[160];
        G711.Encode(Signal.Sine(440, 8000, 160, 8000), payload, aLaw: false);
        var silence = new byte[160];
        G711.Encode(new short[160], silence, aLaw: false);
        ushort seq = 0;
        void Feed(long now)
        {
            foreach (var leg in legs.Where((_, i) => i % 2 == 0))
            {
                leg.Receive(seq, seq * 160u, leg == legs[0] ? payload : silence, now);
            }
            seq++;
        }
        for (var t = 0; t < 50; t++)
        {
            Feed(t * TimeSpan.TicksPerMillisecond * 20);
            mixer.Tick();
        }
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var t = 50; t < 150; t++)
        {
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
    }

    private sealed class NullSink : IMixerLegSink
    {
        public void SendFrame(ReadOnlySpan<byte> payload, uint rtpTicks)
        {
        }
    }

    private sealed class CountingTap : IAudioTap
    {
        public int LegFrames;
        public int VoicedFrames;
        public int MixFrames;

        public void OnLegAudio(string participantId, ReadOnlySpan<short> pcm, int sampleRate, bool voiceActive)
        {
            LegFrames++;
            VoicedFrames += voiceActive ? 1 : 0;
        }

        public void OnConferenceMix(ReadOnlySpan<short> pcm, int sampleRate) => MixFrames++;
    }
}

public class OpusSilenceSkippingTests
{
    [Fact]
    public void QuietOpusLegsAreNotDecodedButTalkersAre()
    {
        using var harness = new MixerHarness();
        var talker = harness.Add("talker", AudioCodec.Opus, MixerHarness.Tone(440, 8000));
        var quiet = harness.Add("quiet", AudioCodec.Opus, MixerHarness.Silence());
        harness.Run(60);

        Assert.True(quiet.Leg.DecodesSkipped > 40, $"skipped {quiet.Leg.DecodesSkipped}");
        Assert.Equal(0, talker.Leg.DecodesSkipped);
        Assert.True(Signal.ToneAmplitude(quiet.LastHeard(25), 440, 48000) > 6000);
    }

    [Fact]
    public void G711LegsMarkedQuietByTheirAudioLevelAreNotDecoded()
    {
        using var harness = new MixerHarness();
        var talker = harness.Add("talker", AudioCodec.Pcmu, MixerHarness.Tone(440, 8000));
        var marked = harness.Add("marked", AudioCodec.Pcmu, MixerHarness.Silence());
        var unmarked = harness.Add("unmarked", AudioCodec.Pcmu, MixerHarness.Silence());
        marked.MarkedQuiet = true;
        harness.Run(60);

        Assert.True(marked.Leg.DecodesSkipped > 40, $"skipped {marked.Leg.DecodesSkipped}");
        Assert.Equal(0, unmarked.Leg.DecodesSkipped);
        Assert.Equal(0, talker.Leg.DecodesSkipped);
        // Both still hear the talker.
        Assert.True(Signal.ToneAmplitude(marked.LastHeard(25), 440, 8000) > 6000);
        Assert.True(Signal.ToneAmplitude(unmarked.LastHeard(25), 440, 8000) > 6000);
    }

    [Fact]
    public void ALegSomeoneRecordsIsDecodedEvenWhenMarkedQuiet()
    {
        // Per-utterance recording taps the leg: a soft talker's packets marked quiet may still hold words.
        using var harness = new MixerHarness();
        harness.Add("talker", AudioCodec.Pcmu, MixerHarness.Tone(440, 8000));
        var recorded = harness.Add("recorded", AudioCodec.Pcmu, MixerHarness.Silence());
        recorded.MarkedQuiet = true;
        recorded.Leg.AddTap(new CountingTap());
        harness.Run(60);
        Assert.Equal(0, recorded.Leg.DecodesSkipped);
    }

    private sealed class CountingTap : IAudioTap
    {
        public void OnConferenceMix(ReadOnlySpan<short> pcm, int sampleRate)
        {
        }
    }

    [Fact]
    public void G722IsDecodedEvenWhenMarkedQuiet()
    {
        // Its ADPCM decoder keeps state between packets: skipping some would garble the next speech.
        using var harness = new MixerHarness();
        harness.Add("talker", AudioCodec.G722, MixerHarness.Tone(440, 8000));
        var marked = harness.Add("marked", AudioCodec.G722, MixerHarness.Silence());
        marked.MarkedQuiet = true;
        harness.Run(30);
        Assert.Equal(0, marked.Leg.DecodesSkipped);
    }
}
