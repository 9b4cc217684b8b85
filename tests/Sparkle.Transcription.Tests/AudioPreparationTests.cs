using Sparkle.Media.Codecs;
using Sparkle.Transcription.Audio;

namespace Sparkle.Transcription.Tests;

public sealed class AudioPreparationTests
{
    [Theory]
    [InlineData(8000, 1)]
    [InlineData(16000, 1)]
    [InlineData(48000, 2)]
    [InlineData(44100, 2)]
    [InlineData(22050, 1)]
    [InlineData(32000, 1)]
    public void AnyRateAndLayoutBecomesSixteenKilohertzMonoWithTheToneKept(int rate, int channels)
    {
        var tone = TestAudio.Tone(1000, rate, 1.0);
        var interleaved = new short[tone.Length * channels];
        for (var i = 0; i < tone.Length; i++)
        {
            for (var c = 0; c < channels; c++)
            {
                interleaved[i * channels + c] = tone[i];
            }
        }

        var pcm = AudioPreparation.Prepare(interleaved, rate, channels, PreparationOptions.None);

        Assert.Equal(16000, pcm.Length);
        var middle = pcm.AsSpan(2000, 12000);
        var at1k = TestAudio.Power(middle, 1000, 16000);
        Assert.True(at1k > 100 * TestAudio.Power(middle, 1500, 16000));
        // Unity gain in the passband: the amplitude stays ~8000.
        var peak = middle.ToArray().Max(s => Math.Abs((int)s));
        Assert.InRange(peak, 7600, 8400);
    }

    [Fact]
    public void ResamplingLinesUpWithTheInput()
    {
        // A click at 0.5 s stays at 0.5 s (the filter's delay is compensated).
        var click = new short[48000];
        click[24000] = 30000;

        var pcm = AudioPreparation.Prepare(click, 48000, 1, PreparationOptions.None);

        var at = Array.IndexOf(pcm, pcm.Max());
        Assert.InRange(at, 7999, 8001);
    }

    [Fact]
    public void DcRemovalTakesOutAnOffset()
    {
        var pcm = TestAudio.Tone(300, 16000, 2).Select(s => (short)(s + 5000)).ToArray();

        var prepared = AudioPreparation.Prepare(pcm, 16000, 1, PreparationOptions.None with { RemoveDc = true });

        Assert.InRange(prepared.AsSpan(16000).ToArray().Average(s => (double)s), -100, 100);
    }

    [Fact]
    public void GainNormalisationReachesTheTargetWithoutClipping()
    {
        var quiet = TestAudio.Tone(440, 16000, 1, amplitude: 1000); // +19.7 dB, under the 30 dB cap
        var options = PreparationOptions.None with { NormaliseGain = true, TargetRmsDbfs = -20 };

        var prepared = AudioPreparation.Prepare(quiet, 16000, 1, options);

        var rms = Math.Sqrt(prepared.Average(s => (double)s * s));
        Assert.InRange(20 * Math.Log10(rms / 32768), -21, -19);
        var loud = AudioPreparation.Prepare(TestAudio.Tone(440, 16000, 1, amplitude: 32000), 16000, 1, options with { TargetRmsDbfs = 0 });
        Assert.True(loud.Max() <= 32000);
    }

    [Fact]
    public void GainNormalisationDoesNotBlowSilenceUpToSpeech()
    {
        var hiss = new short[16000];
        var random = new Random(3);
        for (var i = 0; i < hiss.Length; i++)
        {
            hiss[i] = (short)random.Next(-3, 4);
        }

        var prepared = AudioPreparation.Prepare(hiss, 16000, 1, PreparationOptions.None with { NormaliseGain = true, MaxGainDb = 30 });

        Assert.True(prepared.Max(s => Math.Abs((int)s)) <= 3 * 32 + 1);
    }

    [Fact]
    public void EmptyInputGivesEmptyOutput() =>
        Assert.Empty(AudioPreparation.Prepare([], 48000, 2));

    [Fact]
    public void BadFormatsAreRejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => AudioPreparation.Prepare(new short[10], 0, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => AudioPreparation.Prepare(new short[10], 16000, 0));
    }
}

public sealed class BandwidthDetectorTests
{
    [Fact]
    public void WidebandSpeechIsNotNarrowband()
    {
        foreach (var id in TestAudio.ClipIds)
        {
            var pcm = TestAudio.Clip(id);
            Assert.False(BandwidthDetector.IsNarrowband(pcm), $"{id}: {BandwidthDetector.HighBandRatioDb(pcm):F1} dB");
        }
    }

    [Fact]
    public void SpeechThroughG711IsNarrowband()
    {
        foreach (var id in TestAudio.ClipIds)
        {
            var pcm = TestAudio.Clip(id);
            var down = new Resampler(16000, 8000);
            var at8k = new short[down.OutputLength(pcm.Length)];
            down.Process(pcm, at8k);
            using var encoder = new G711Encoder(aLaw: false);
            using var decoder = new G711Decoder(aLaw: false);
            var payload = new byte[at8k.Length];
            encoder.Encode(at8k, payload);
            var decoded = new short[at8k.Length];
            decoder.Decode(payload, decoded);

            var upsampled = AudioPreparation.Prepare(decoded, 8000, 1, PreparationOptions.None);

            Assert.True(BandwidthDetector.IsNarrowband(upsampled), $"{id}: {BandwidthDetector.HighBandRatioDb(upsampled):F1} dB");
        }
    }

    [Fact]
    public void TheCodecFlagDecides() =>
        Assert.True(BandwidthDetector.IsNarrowband(TestAudio.Clip(TestAudio.ClipIds[0]), codecNarrowband: true));

    [Fact]
    public void SilenceAndShortAudioAreNotCalledNarrowband()
    {
        Assert.False(BandwidthDetector.IsNarrowband(new short[16000]));
        Assert.False(BandwidthDetector.IsNarrowband(new short[100]));
    }
}
