using Microsoft.Extensions.Configuration;
using Sparkle.Grains.Media;
using Sparkle.Grains.Recordings;
using Sparkle.Recordings;

namespace Sparkle.MediaWorker.Replay;

/// <summary>Reads a stored utterance as the media endpoint does: the data key unwrapped by the tenant's key grain,
/// the sealed blob read through <see cref="SealedReader"/> (only authenticated bytes come out).</summary>
public sealed class SealedClipSource : IClipSource
{
    /// <summary>Utterances are at most 60 s of Opus (well under 1 MB): anything far larger is not one.</summary>
    public const long MaxPlainBytes = 16 * 1024 * 1024;

    private readonly IGrainFactory _grains;
    private readonly RecordingBlobStore? _blobs;

    public SealedClipSource(IGrainFactory grains, IConfiguration configuration)
    {
        _grains = grains;
        if (configuration["Recordings:BlobConnectionString"] is { Length: > 0 } connection)
        {
            _blobs = new RecordingBlobStore(connection, configuration["Recordings:BlobContainer"] ?? "recordings");
        }
    }

    public async Task<byte[]> ReadAsync(Guid tenantId, ReplaySegment segment, CancellationToken cancellationToken)
    {
        var blobs = _blobs ?? throw new InvalidOperationException("Recording storage is not configured on this worker (Recordings:BlobConnectionString).");
        var key = await _grains.GetGrain<ITenantKeyGrain>(tenantId).UnwrapAsync(segment.Key);
        try
        {
            using var reader = new SealedReader(blobs.OpenRange(segment.BlobName), segment.SealedBytes, key);
            return await ReadAllAsync(reader, cancellationToken);
        }
        finally
        {
            Array.Clear(key);
        }
    }

    internal static async Task<byte[]> ReadAllAsync(SealedReader reader, CancellationToken cancellationToken)
    {
        if (reader.PlainLength > MaxPlainBytes)
        {
            throw new InvalidDataException($"A stored utterance of {reader.PlainLength} bytes is too large to replay.");
        }
        var plain = new byte[reader.PlainLength];
        var read = 0;
        while (read < plain.Length)
        {
            var n = await reader.ReadAsync(read, plain.AsMemory(read), cancellationToken);
            if (n <= 0)
            {
                throw new InvalidDataException("A stored utterance ended early.");
            }
            read += n;
        }
        return plain;
    }
}
