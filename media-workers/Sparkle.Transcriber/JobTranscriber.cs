using System.Security.Cryptography;
using Sparkle.Grains.Identity;
using Sparkle.Grains.Minutes;
using Sparkle.Recordings;
using Sparkle.Transcription;

namespace Sparkle.Transcriber;

/// <summary>One job to one result: the tenant's minutes language, the sealed blob read into memory with the
/// data key the tenant's key grain unwraps, Ogg Opus decoded and recognised. Everything wrong with the input
/// (unsupported language, missing or altered blob, destroyed key, unreadable audio) is an UNTRANSCRIBED
/// result with the reason; only infrastructure faults (blob store or cluster unreachable) throw, so the job
/// stays leased and is retried.</summary>
public sealed class JobTranscriber(ITranscriptionContext cluster, IRecordingBlobStore blobs, UtteranceTranscriber transcriber,
    IReadOnlyList<string> languages, string engineName, TimeSpan maxDuration)
{
    /// <summary>Sealed utterances above this are refused unread (60 s of 32 kbit/s Opus is ~240 KB).</summary>
    public const long MaxSealedBytes = 32L * 1024 * 1024;

    public async Task<TranscriptionResult> TranscribeAsync(TranscriptionJob job, CancellationToken cancellationToken)
    {
        var language = await cluster.LanguageAsync(job.TenantId);
        if (!languages.Any(l => string.Equals(l, language, StringComparison.OrdinalIgnoreCase)))
        {
            return Untranscribed($"Minutes language '{language}' is not supported: the installed engine ({engineName}) recognises {string.Join(", ", languages)} only.", language);
        }

        if (job.SealedBytes <= 0 || job.SealedBytes > MaxSealedBytes)
        {
            return Untranscribed($"The stored utterance is {job.SealedBytes} bytes: outside what the worker reads.", language);
        }

        byte[] key;
        try
        {
            key = await cluster.UnwrapAsync(job.TenantId, job.Key);
        }
        catch (Exception e) when (e is NotFoundException or ValidationException)
        {
            return Untranscribed("The utterance's key was destroyed or is invalid: it can no longer be read.", language);
        }

        byte[] plain;
        try
        {
            using var reader = new SealedReader(blobs.OpenRange(job.BlobName), job.SealedBytes, key);
            plain = new byte[reader.PlainLength];
            var read = 0;
            while (read < plain.Length)
            {
                var n = await reader.ReadAsync(read, plain.AsMemory(read), cancellationToken);
                if (n <= 0)
                {
                    break;
                }

                read += n;
            }
        }
        catch (SealedDataException)
        {
            return Untranscribed("The stored utterance failed authentication (altered or damaged).", language);
        }
        catch (RecordingBlobMissingException)
        {
            return Untranscribed("The stored utterance is missing (deleted).", language);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(key);
        }

        try
        {
            var result = transcriber.Transcribe(plain, codecNarrowband: false, maxDuration, cancellationToken);
            return new TranscriptionResult(MinutesEntryStatus.Transcribed, result.Transcript.Text, result.Transcript.Confidence,
                result.Narrowband, null, engineName, language);
        }
        catch (InvalidDataException e)
        {
            return Untranscribed($"The audio could not be decoded: {e.Message}", language);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plain);
        }

        TranscriptionResult Untranscribed(string reason, string lang) =>
            new(MinutesEntryStatus.Untranscribed, "", 0, false, reason, engineName, lang);
    }
}
