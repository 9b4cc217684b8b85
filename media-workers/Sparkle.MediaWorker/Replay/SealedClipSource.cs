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

    private readonly Func<Guid, WrappedKey, Task<byte[]>> _unwrap;
    private readonly Func<string, IRangeSource>? _open;

    /// <summary>The worker's: blob storage from <c>Recordings:BlobConnectionString</c>, keys from <see cref="ITenantKeyGrain"/>.</summary>
    public SealedClipSource(IGrainFactory grains, IConfiguration configuration)
        : this((tenant, key) => grains.GetGrain<ITenantKeyGrain>(tenant).UnwrapAsync(key), OpenBlobs(configuration))
    {
    }

    /// <summary>Any key service and range source (tests: sealed files on disk).</summary>
    public SealedClipSource(Func<Guid, WrappedKey, Task<byte[]>> unwrap, Func<string, IRangeSource>? open)
    {
        _unwrap = unwrap;
        _open = open;
    }

    private static Func<string, IRangeSource>? OpenBlobs(IConfiguration configuration)
    {
        if (configuration["Recordings:BlobConnectionString"] is not { Length: > 0 } connection)
        {
            return null;
        }
        var blobs = new RecordingBlobStore(connection, configuration["Recordings:BlobContainer"] ?? "recordings");
        return blobs.OpenRange;
    }

    public async Task<byte[]> ReadAsync(Guid tenantId, ReplaySegment segment, CancellationToken cancellationToken)
    {
        var open = _open ?? throw new InvalidOperationException("Recording storage is not configured on this worker (Recordings:BlobConnectionString).");
        var key = await _unwrap(tenantId, segment.Key);
        var source = open(segment.BlobName);
        try
        {
            using var reader = new SealedReader(source, segment.SealedBytes, key);
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
        finally
        {
            Array.Clear(key);
            (source as IDisposable)?.Dispose();
        }
    }
}
