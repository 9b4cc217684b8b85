using Sparkle.Media.Codecs;
using Sparkle.Media.Mixing;
using Sparkle.Media.Recording;
using Sparkle.Media.Tests.Mixing;

namespace Sparkle.Media.Tests.Recording;

/// <summary>The recorder on a real conference mixer ticked by the test (20 ms of media per tick, as fast
/// as the machine goes): utterances, the mix, and what the mixer thread pays for recording.</summary>
public sealed class MeetingRecorderTests : IDisposable
{
    private static readonly DateTimeOffset s_start = new(2026, 12, 4, 10, 0, 0, TimeSpan.Zero);
    private readonly string _folder = Path.Combine(Path.GetTempPath(), $"recorder-tests-{Guid.NewGuid():N}");
    private readonly CapturingSink _sink = new();

    private RecorderOptions Options(long partMaxBytes = 64 << 20, double partMaxSeconds = 300) =>
        new() { WorkFolder = _folder, PartMaxBytes = partMaxBytes, PartMaxSeconds = partMaxSeconds };

    public void Dispose()
    {
        _sink.Dispose();
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }
    }

    /// <summary>A tone during the given 20 ms frames [from, to), silence otherwise.</summary>
    private static Func<int, int, short[]> Bursts(double frequency, params (int From, int To)[] bursts)
    {
        var tone = MixerHarness.Tone(frequency, 8000);
        return (frame, rate) => bursts.Any(b => frame >= b.From && frame < b.To) ? tone(frame, rate) : new short[rate / 50];
    }

    [Fact]
    public void ScriptedTalkBecomesOneUtterancePerTurnWithItsSpeakerAndTime()
    {
        // A talks 0.0-1.0 s, B 1.5-2.5 s, A again 3.0-3.2 s (too short to count), C 3.5-4.5 s; D talks all
        // along but is muted, E all along but waits in a PIN lobby (muted, not listening).
        using var harness = new MixerHarness();
        harness.Add("alice", AudioCodec.Pcmu, Bursts(440, (0, 50), (150, 160)));
        harness.Add("bob", AudioCodec.G722, Bursts(660, (75, 125)));
        harness.Add("carol", AudioCodec.Opus, Bursts(880, (175, 225)));
        harness.Add("dave", AudioCodec.Pcmu, Bursts(1000, (0, 260))).Leg.Muted = true;
        var lobby = harness.Add("erin", AudioCodec.Pcmu, Bursts(1200, (0, 260))).Leg;
        lobby.Muted = true;
        lobby.Listening = false;
        var recorder = new MeetingRecorder(new RecordingPlan(Guid.NewGuid(), WholeMeeting: true, SeparateAudioAndVideo: false, PerUtterance: true, s_start),
            Options(), _sink);
        recorder.Start();
        harness.Mixer.AddTap(recorder);
        foreach (var leg in harness.Mixer.Legs)
        {
            leg.AddTap(recorder);
        }

        harness.Run(270);
        harness.Mixer.RemoveTap(recorder);
        recorder.Stop();

        Assert.Null(recorder.Failure);
        var utterances = _sink.Utterances.OrderBy(u => u.StartedAt).ToList();
        Assert.Equal(["alice", "bob", "carol"], utterances.Select(u => u.ParticipantId));
        double[] turns = [0.0, 1.5, 3.5];
        for (var i = 0; i < 3; i++)
        {
            var u = utterances[i];
            var start = (u.StartedAt - s_start).TotalSeconds;
            // The file starts with the 200 ms pre-roll, after the jitter buffer's delay: within 200 ms of the turn.
            Assert.True(Math.Abs(start - turns[i]) <= 0.2 + 1e-9, $"{u.ParticipantId} starts at {start:F3} s, expected {turns[i]} s");
            // One second of talk, the pre-roll before it and the hangover after it.
            var length = (u.EndedAt - u.StartedAt).TotalSeconds;
            Assert.InRange(length, 1.2, 2.0);
            Assert.Equal(u.StartedAt - s_start, u.RecordingOffset);
            Assert.Equal("audio/ogg", u.ContentType);
            Assert.NotEqual(Guid.Empty, u.UtteranceId);

            var probe = MediaProbe.Probe(u.LocalPath);
            Assert.Equal("opus", Assert.Single(probe.Streams).CodecName);
            Assert.InRange(probe.Duration, length - 0.1, length + 0.1);
            var pcm = MediaProbe.DecodeAudio(u.LocalPath);
            double[] tones = [440, 660, 880];
            var own = Signal.ToneLevel(pcm, tones[i], 48000);
            Assert.True(own > 3000, $"{u.ParticipantId}'s utterance carries its tone at only {own:F0}");
            foreach (var other in tones.Where((_, j) => j != i))
            {
                Assert.True(Signal.ToneLevel(pcm, other, 48000) < 300, $"{u.ParticipantId}'s utterance carries {other} Hz");
            }
        }

        // The meeting's mix was recorded alongside: one Ogg Opus part covering the 270 ticks.
        var part = Assert.Single(_sink.Parts);
        Assert.True(part.Last);
        Assert.Equal((RecordedKind.Mixed, 0, "audio/ogg"), (part.Kind, part.Index, part.ContentType));
        Assert.InRange(part.Duration.TotalSeconds, 5.3, 5.5);
        Assert.InRange(MediaProbe.Probe(part.LocalPath).Duration, 5.2, 5.6);
        Assert.DoesNotContain(Environment.CurrentManagedThreadId, _sink.CallingThreads);
    }

    [Fact]
    public void AMonologueIsSplitAtTheMaximumLength()
    {
        using var harness = new MixerHarness();
        harness.Add("alice", AudioCodec.Pcmu, Bursts(440, (0, 200)));
        var options = Options() with { UtteranceMaxSeconds = 1.5, UtteranceSplitAfterSeconds = 1.0 };
        var recorder = new MeetingRecorder(new RecordingPlan(Guid.NewGuid(), WholeMeeting: false, SeparateAudioAndVideo: false, PerUtterance: true, s_start),
            options, _sink);
        recorder.Start();
        harness.Mixer.AddTap(recorder);
        harness.Mixer.Legs[0].AddTap(recorder);
        harness.Run(240);
        harness.Mixer.RemoveTap(recorder);
        recorder.Stop();

        // Four seconds of unbroken talk: cut at 1.5 s each (no pause to cut at after 1 s).
        var utterances = _sink.Utterances.OrderBy(u => u.StartedAt).ToList();
        Assert.True(utterances.Count >= 3, $"{utterances.Count} utterances");
        Assert.All(utterances.SkipLast(1), u => Assert.InRange((u.EndedAt - u.StartedAt).TotalSeconds, 1.45, 1.55));
        for (var i = 1; i < utterances.Count; i++)
        {
            Assert.Equal(utterances[i - 1].EndedAt, utterances[i].StartedAt);
        }
        Assert.All(utterances, u => Assert.Null(u.RecordingOffset));
        Assert.Empty(_sink.Parts);
    }

    [Fact]
    public void AudioOnlyPartsRotateAndPlayBackAsOne()
    {
        using var harness = new MixerHarness();
        harness.Add("alice", AudioCodec.Pcmu, MixerHarness.Tone(440, 8000));
        var recorder = new MeetingRecorder(new RecordingPlan(Guid.NewGuid(), WholeMeeting: true, SeparateAudioAndVideo: false, PerUtterance: false, s_start),
            Options(partMaxSeconds: 1), _sink);
        recorder.Start();
        harness.Mixer.AddTap(recorder);
        harness.Run(250); // 5 s
        harness.Mixer.RemoveTap(recorder);
        recorder.Stop();

        var parts = _sink.Parts.ToList();
        Assert.InRange(parts.Count, 5, 6);
        Assert.Equal(Enumerable.Range(0, parts.Count), parts.Select(p => p.Index));
        Assert.Equal([.. Enumerable.Repeat(false, parts.Count - 1), true], parts.Select(p => p.Last));
        for (var i = 0; i < parts.Count; i++)
        {
            var probe = MediaProbe.Probe(parts[i].LocalPath);
            Assert.Equal("opus", Assert.Single(probe.Streams).CodecName);
            Assert.InRange(probe.Duration, parts[i].Duration.TotalSeconds - 0.05, parts[i].Duration.TotalSeconds + 0.05);
            Assert.Equal(s_start + parts[i].Offset, parts[i].StartedAt);
            if (i > 0)
            {
                Assert.Equal(parts[i - 1].Offset + parts[i - 1].Duration, parts[i].Offset);
            }
        }
        var whole = MediaProbe.DecodeConcatenated(parts.Select(p => p.LocalPath));
        Assert.InRange(whole.Length / 48000.0, 4.9, 5.1);
        Assert.True(Signal.ToneLevel(whole, 440, 48000) > 3000);
    }

    [Fact]
    public void MixerTicksWithARecordingAllocateNothing()
    {
        using var mixer = new ConferenceMixer();
        var legs = Enumerable.Range(0, 4).Select(i => mixer.AddLeg($"p{i}", AudioCodec.Pcmu, new NullSink())).ToList();
        var recorder = new MeetingRecorder(new RecordingPlan(Guid.NewGuid(), WholeMeeting: true, SeparateAudioAndVideo: false, PerUtterance: true, s_start),
            Options(), _sink);
        recorder.Start();
        mixer.AddTap(recorder);
        foreach (var leg in legs)
        {
            leg.AddTap(recorder);
        }
        var tone = Signal.Sine(440, 8000, 160, 8000);
        var payload = new byte[160];
        G711.Encode(tone, payload, aLaw: false);
        var silence = new byte[160];
        G711.Encode(new short[160], silence, aLaw: false);
        ushort seq = 0;
        void Tick(int t)
        {
            foreach (var leg in legs)
            {
                // Two talk, two are quiet: utterances open and run on the recorder thread meanwhile.
                leg.Receive(seq, seq * 160u, leg == legs[0] || leg == legs[1] ? payload : silence, t * TimeSpan.TicksPerMillisecond * 20);
            }
            seq++;
            mixer.Tick();
        }
        for (var t = 0; t < 50; t++)
        {
            Tick(t);
        }
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var t = 50; t < 200; t++)
        {
            Tick(t);
        }
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        mixer.RemoveTap(recorder);
        recorder.Stop();
        Assert.Equal(0, recorder.Refused);
        Assert.True(allocated == 0, $"{allocated} bytes allocated over 150 ticks with a recording");
        Assert.Single(_sink.Parts);
        Assert.Equal(2, _sink.Utterances.Count);
    }

    private sealed class NullSink : IMixerLegSink
    {
        public void SendFrame(ReadOnlySpan<byte> payload, uint rtpTicks)
        {
        }
    }
}
