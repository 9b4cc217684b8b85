using System.Security.Cryptography;
using Sparkle.Grains.Identity;
using Sparkle.Grains.Minutes;
using Sparkle.Grains.Recordings;
using Sparkle.Recordings;
using Sparkle.Recordings.Tests.Blobs;
using Sparkle.Transcriber;
using Sparkle.Transcription.Engines;

namespace Sparkle.Transcription.Tests;

/// <summary>The transcription worker's job path with real parts: a LibriVox clip encoded to Ogg Opus by
/// ffmpeg (as the recorder stores utterances), sealed with a data key, stored in a real Azurite, read back
/// through RecordingBlobStore + SealedReader and recognised by PocketSphinx. The cluster's two answers (the
/// tenant's language, the unwrapped key) come from a stand-in.</summary>
[Collection(AzuriteFixture.Collection)]
public sealed class TranscriberJobTests(AzuriteFixture azurite) : IDisposable
{
    private const string Clip = "sense_and_sensibility_01_austen_64kb-0870";
    private readonly string _dir = Directory.CreateTempSubdirectory("sparkle-transcriber-").FullName;
    private readonly byte[] _key = RandomNumberGenerator.GetBytes(32);
    private readonly SpeechEnginePool _pool = new(() => new PocketSphinxEngine(), 1);

    public void Dispose()
    {
        _pool.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    private sealed class Cluster(string language, byte[]? key) : ITranscriptionContext
    {
        public Task<string> LanguageAsync(Guid tenantId) => Task.FromResult(language);

        // A copy: the job zeroes the key it was given once done.
        public Task<byte[]> UnwrapAsync(Guid tenantId, WrappedKey wrapped) =>
            key is null ? throw new NotFoundException("forgotten") : Task.FromResult(key.ToArray());
    }

    private RecordingBlobStore Store => new(azurite.ConnectionString, "minutes-tests");

    private JobTranscriber Transcriber(string language = "en-US", bool keyKnown = true) =>
        new(new Cluster(language, keyKnown ? _key : null), Store, new UtteranceTranscriber(_pool), ["en-US"], "PocketSphinx (en-us)", TimeSpan.FromMinutes(5));

    private string OggOpus(params string[] filter)
    {
        TestAudio.RequireModel();
        var output = Path.Combine(_dir, $"{Guid.NewGuid():N}.ogg");
        TestAudio.Ffmpeg([.. new[] { "-y", "-i", TestAudio.WavPath(Clip) }, .. filter, "-ar", "48000", "-c:a", "libopus", "-b:a", "32k", output]);
        return output;
    }

    /// <summary>Seals and stores the bytes as the media worker does; returns the job the queue would hand out.</summary>
    private async Task<TranscriptionJob> StoredAsync(byte[] plain, Func<byte[], byte[]>? tamper = null)
    {
        using var sealedStream = new MemoryStream();
        await SealedFormat.SealAsync(new MemoryStream(plain), sealedStream, _key);
        var sealedBytes = tamper is null ? sealedStream.ToArray() : tamper(sealedStream.ToArray());
        var blob = RecordingBlobStore.NewBlobName();
        await Store.UploadAsync(blob, new MemoryStream(sealedBytes));
        var now = DateTimeOffset.UtcNow;
        return new TranscriptionJob(Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), blob, sealedBytes.Length, new WrappedKey("k1", new byte[40]),
            "audio/ogg", "1004", "Reader", now, now.AddSeconds(5), now);
    }

    [Fact]
    public async Task RealSpeechStoredSealedInAzuriteIsTranscribedAsWellAsFromTheFile()
    {
        var file = OggOpus();
        var job = await StoredAsync(File.ReadAllBytes(file));

        var result = await Transcriber().TranscribeAsync(job, CancellationToken.None);

        Assert.Equal(MinutesEntryStatus.Transcribed, result.Status);
        Assert.False(result.Narrowband);
        Assert.InRange(result.Confidence, 0.05, 1);
        var reference = TestAudio.Reference(Clip);
        var direct = new UtteranceTranscriber(_pool).Transcribe(file, codecNarrowband: false).Transcript.Text;
        // Through storage the bytes are the same file: the same words, and a word error rate a reader can use.
        Assert.Equal(direct, result.Text);
        Assert.InRange(WordErrorRate.Compute(reference, result.Text), 0, 0.5);
    }

    [Fact]
    public async Task TelephoneBandAudioIsFlaggedNarrowband()
    {
        var job = await StoredAsync(File.ReadAllBytes(OggOpus("-af", "aresample=8000,aresample=16000")));

        var result = await Transcriber().TranscribeAsync(job, CancellationToken.None);

        Assert.Equal(MinutesEntryStatus.Transcribed, result.Status);
        Assert.True(result.Narrowband);
    }

    [Fact]
    public async Task AnUnsupportedLanguageIsUntranscribedAndSaysWhichLanguagesAre()
    {
        var job = await StoredAsync([1, 2, 3]);

        var result = await Transcriber(language: "de-DE").TranscribeAsync(job, CancellationToken.None);

        Assert.Equal(MinutesEntryStatus.Untranscribed, result.Status);
        Assert.Contains("de-DE", result.Reason);
        Assert.Contains("en-US", result.Reason);
    }

    [Fact]
    public async Task BadStoredAudioIsUntranscribedWithTheReasonNeverACrash()
    {
        var transcriber = Transcriber();
        var notOgg = await transcriber.TranscribeAsync(await StoredAsync(RandomNumberGenerator.GetBytes(5_000)), CancellationToken.None);
        Assert.Equal(MinutesEntryStatus.Untranscribed, notOgg.Status);
        Assert.Contains("could not be decoded", notOgg.Reason);

        var altered = await StoredAsync(File.ReadAllBytes(OggOpus()), sealedBytes => { sealedBytes[^100] ^= 0x40; return sealedBytes; });
        var tampered = await transcriber.TranscribeAsync(altered, CancellationToken.None);
        Assert.Equal(MinutesEntryStatus.Untranscribed, tampered.Status);
        Assert.Contains("failed authentication", tampered.Reason);

        var gone = await transcriber.TranscribeAsync((await StoredAsync([1, 2, 3])) with { BlobName = RecordingBlobStore.NewBlobName() }, CancellationToken.None);
        Assert.Equal(MinutesEntryStatus.Untranscribed, gone.Status);
        Assert.Contains("missing", gone.Reason);

        var forgotten = await Transcriber(keyKnown: false).TranscribeAsync(await StoredAsync([1, 2, 3]), CancellationToken.None);
        Assert.Equal(MinutesEntryStatus.Untranscribed, forgotten.Status);
        Assert.Contains("key was destroyed", forgotten.Reason);
    }
}
