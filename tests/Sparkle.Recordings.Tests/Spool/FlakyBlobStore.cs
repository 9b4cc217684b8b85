using System.Collections.Concurrent;

namespace Sparkle.Recordings.Tests.Spool;

/// <summary>An in-memory blob store that refuses uploads while <see cref="Down"/>.</summary>
public sealed class FlakyBlobStore : IRecordingBlobStore
{
    private int _failedUploads;

    public ConcurrentDictionary<string, byte[]> Blobs { get; } = new();
    public ConcurrentQueue<string> UploadOrder { get; } = new();
    public volatile bool Down;
    /// <summary>Uploads hang until cancelled: a store that is slow rather than down.</summary>
    public volatile bool Hang;
    public int FailedUploads => Volatile.Read(ref _failedUploads);

    public async Task UploadAsync(string blobName, Stream sealedContent, CancellationToken cancellationToken = default)
    {
        if (Down)
        {
            Interlocked.Increment(ref _failedUploads);
            throw new IOException("store down (test)");
        }
        if (Hang)
        {
            Interlocked.Increment(ref _failedUploads);
            await Task.Delay(Timeout.Infinite, cancellationToken);
        }
        var copy = new MemoryStream();
        await sealedContent.CopyToAsync(copy, cancellationToken);
        Blobs[blobName] = copy.ToArray();
        UploadOrder.Enqueue(blobName);
    }

    public Task<long> GetLengthAsync(string blobName, CancellationToken cancellationToken = default) =>
        Blobs.TryGetValue(blobName, out byte[]? blob) ? Task.FromResult(blob.LongLength) : throw new RecordingBlobMissingException(blobName);

    public IRangeSource OpenRange(string blobName) => new Support.MemoryRangeSource(Blobs[blobName]);

    public Task<bool> DeleteAsync(string blobName, CancellationToken cancellationToken = default) =>
        Task.FromResult(Blobs.TryRemove(blobName, out _));
}
