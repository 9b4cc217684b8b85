namespace Sparkle.Recordings;

/// <summary>Where sealed recordings rest: <see cref="RecordingBlobStore"/> (Azure Blob Storage, Azurite
/// locally). An interface so the <see cref="UploadSpool"/> can be tested against a store that fails on cue.</summary>
public interface IRecordingBlobStore
{
    /// <summary>Stores (or replaces) a blob from a stream; a seekable stream lets the client retry.</summary>
    Task UploadAsync(string blobName, Stream sealedContent, CancellationToken cancellationToken = default);
    /// <summary>Throws <see cref="RecordingBlobMissingException"/> when there is no such blob.</summary>
    Task<long> GetLengthAsync(string blobName, CancellationToken cancellationToken = default);
    /// <summary>Ranged reads of a blob (nothing is fetched until the first read).</summary>
    IRangeSource OpenRange(string blobName);
    /// <summary>True when it existed.</summary>
    Task<bool> DeleteAsync(string blobName, CancellationToken cancellationToken = default);
}
