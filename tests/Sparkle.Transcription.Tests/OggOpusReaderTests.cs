using Sparkle.Media.Codecs;
using Sparkle.Transcription.Audio;

namespace Sparkle.Transcription.Tests;

/// <summary>Files made by ffmpeg's libopus encoder, as the recorder's utterance files will be Ogg Opus.</summary>
public sealed class OggOpusReaderTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("sparkle-ogg-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string Encode(string input, params string[] options)
    {
        var output = Path.Combine(_folder, $"{Guid.NewGuid():N}.opus");
        TestAudio.Ffmpeg([.. new[] { "-i", input }, .. options, "-c:a", "libopus", output]);
        return output;
    }

    [Fact]
    public void SpeechRoundTripsThroughFfmpegsOpus()
    {
        var source = TestAudio.Clip(TestAudio.ClipIds[1]);

        var audio = OggOpusReader.Read(Encode(TestAudio.WavPath(TestAudio.ClipIds[1])));

        Assert.Equal(1, audio.Channels);
        Assert.Equal(16000, audio.InputSampleRate);
        Assert.True(audio.PreSkip > 0);
        // The end is trimmed to the last granule position: exactly the source's length at 48 kHz.
        Assert.InRange(audio.Pcm.Length, source.Length * 3 - 48, source.Length * 3 + 48);
        var decoded = AudioPreparation.Prepare(audio.Pcm, OggOpusAudio.SampleRate, 1, PreparationOptions.None);
        var (lag, correlation) = BestAlignment(source, decoded, maxLag: 64);
        Assert.True(correlation > 0.9, $"correlation {correlation:F3} at lag {lag}");
        // Pre-skip honoured: no lag left (a skipped pre-skip would leave 312 / 3 = 104 samples).
        Assert.InRange(lag, -2, 2);
    }

    [Fact]
    public void AStereoFileIsDownmixedAndKeepsItsTone()
    {
        var wav = Path.Combine(_folder, "tone.wav");
        TestAudio.Ffmpeg("-f", "lavfi", "-i", "sine=frequency=1000:sample_rate=48000:duration=2", "-ac", "2", wav);

        var audio = OggOpusReader.Read(Encode(wav));

        Assert.Equal(2, audio.Channels);
        Assert.InRange(audio.Duration.TotalSeconds, 1.99, 2.01);
        var middle = audio.Pcm.AsSpan(24000, 48000);
        Assert.True(TestAudio.Power(middle, 1000, 48000) > 1000 * TestAudio.Power(middle, 1300, 48000));
    }

    [Fact]
    public void EveryTruncationIsRejectedWithAClearError()
    {
        var file = File.ReadAllBytes(Encode(TestAudio.WavPath(TestAudio.ClipIds[4])));

        for (var length = 0; length < file.Length; length += length < 200 ? 1 : 37)
        {
            var error = Assert.Throws<InvalidDataException>(() => OggOpusReader.Read(file.AsSpan(0, length), TimeSpan.FromMinutes(1)));
            Assert.False(string.IsNullOrWhiteSpace(error.Message));
        }
        Assert.NotEmpty(OggOpusReader.Read(file, TimeSpan.FromMinutes(1)).Pcm);
    }

    [Fact]
    public void ACorruptByteFailsTheCrc()
    {
        var file = File.ReadAllBytes(Encode(TestAudio.WavPath(TestAudio.ClipIds[4])));
        file[file.Length / 2] ^= 0x40;

        var error = Assert.Throws<InvalidDataException>(() => OggOpusReader.Read(file, TimeSpan.FromMinutes(1)));
        Assert.Contains("CRC", error.Message);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void GarbageIsRejectedWithAClearError(int seed)
    {
        var garbage = new byte[5000];
        new Random(seed).NextBytes(garbage);
        if (seed == 2)
        {
            "OggS"u8.CopyTo(garbage); // a plausible start, then noise
            garbage[4] = 0;
        }
        if (seed == 3)
        {
            garbage = File.ReadAllBytes(TestAudio.WavPath(TestAudio.ClipIds[0])); // a WAV, not an Ogg file
        }

        var error = Assert.Throws<InvalidDataException>(() => OggOpusReader.Read(garbage, TimeSpan.FromMinutes(1)));
        Assert.False(string.IsNullOrWhiteSpace(error.Message));
    }

    [Fact]
    public void AnOggFileOfAnotherCodecIsRejected()
    {
        var wav = Path.Combine(_folder, "tone.wav");
        var flac = Path.Combine(_folder, "tone.oga");
        TestAudio.Ffmpeg("-f", "lavfi", "-i", "sine=frequency=440:sample_rate=16000:duration=1", wav);
        TestAudio.Ffmpeg("-i", wav, "-c:a", "flac", "-f", "ogg", flac);

        var error = Assert.Throws<InvalidDataException>(() => OggOpusReader.Read(flac));
        Assert.Contains("OpusHead", error.Message);
    }

    [Fact]
    public void AStreamLongerThanAllowedIsRefused()
    {
        var file = File.ReadAllBytes(Encode(TestAudio.WavPath(TestAudio.ClipIds[0])));

        Assert.Throws<InvalidDataException>(() => OggOpusReader.Read(file, TimeSpan.FromSeconds(1)));
    }

    /// <summary>Normalised cross-correlation of the overlap, best over lags (b shifted by lag).</summary>
    private static (int Lag, double Correlation) BestAlignment(short[] a, short[] b, int maxLag)
    {
        var best = (Lag: 0, Correlation: double.MinValue);
        for (var lag = -maxLag; lag <= maxLag; lag++)
        {
            double ab = 0, aa = 0, bb = 0;
            for (var i = Math.Max(0, -lag); i < a.Length && i + lag < b.Length; i++)
            {
                double x = a[i], y = b[i + lag];
                ab += x * y;
                aa += x * x;
                bb += y * y;
            }
            var c = ab / Math.Sqrt(aa * bb + 1e-9);
            if (c > best.Correlation)
            {
                best = (lag, c);
            }
        }
        return best;
    }
}

public sealed class UtteranceTranscriberTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("sparkle-utterance-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void AnOpusUtteranceFileIsTranscribedAndItsBandwidthJudged()
    {
        TestAudio.RequireModel();
        var id = TestAudio.ClipIds[0];
        var wideband = Path.Combine(_folder, "wide.opus");
        var telephone = Path.Combine(_folder, "narrow.opus");
        TestAudio.Ffmpeg("-i", TestAudio.WavPath(id), "-c:a", "libopus", "-b:a", "32k", wideband);
        // A G.711 leg's recording: 8 kHz audio in an Opus file.
        TestAudio.Ffmpeg("-i", TestAudio.WavPath(id), "-af", "aresample=8000,aresample=16000", "-c:a", "libopus", "-b:a", "32k", telephone);
        using var pool = new SpeechEnginePool(() => new Engines.PocketSphinxEngine(), size: 1);
        var transcriber = new UtteranceTranscriber(pool);

        var wide = transcriber.Transcribe(wideband, codecNarrowband: false);
        var narrow = transcriber.Transcribe(telephone, codecNarrowband: false);

        Assert.False(wide.Narrowband);
        Assert.True(WordErrorRate.Compute(TestAudio.Reference(id), wide.Transcript.Text) < 0.55, wide.Transcript.Text);
        Assert.InRange(wide.Duration.TotalSeconds, TestAudio.Clip(id).Length / 16000.0 - 0.01, TestAudio.Clip(id).Length / 16000.0 + 0.01);
        Assert.True(narrow.Narrowband, "8 kHz audio in an Opus file is narrowband by its spectrum");
        Assert.True(transcriber.Transcribe(wideband, codecNarrowband: true).Narrowband);
    }

    [Fact]
    public void AFileThatIsNotOggOpusIsAClearError()
    {
        using var pool = new SpeechEnginePool(() => throw new InvalidOperationException("not reached"), size: 1);

        Assert.Throws<InvalidDataException>(() => new UtteranceTranscriber(pool).Transcribe(TestAudio.WavPath(TestAudio.ClipIds[0]), false));
    }
}
