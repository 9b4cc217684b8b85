namespace Sparkle.Recordings;

/// <summary>The blob a recording points to is not in the store (deleted, or never uploaded). A
/// <see cref="FileNotFoundException"/>, so callers treating a missing file and a missing blob alike can.</summary>
public sealed class RecordingBlobMissingException(string blobName, Exception? inner = null)
    : FileNotFoundException($"recording blob '{blobName}' does not exist", blobName, inner)
{
    public string BlobName { get; } = blobName;
}
