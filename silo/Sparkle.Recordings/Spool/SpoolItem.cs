namespace Sparkle.Recordings;

/// <summary>One sealed file waiting in (or recovered from) the <see cref="UploadSpool"/>.</summary>
/// <param name="Sequence">Upload order within the spool folder.</param>
/// <param name="Metadata">What the caller needs to report the item once stored (e.g. a part's JSON); kept in
/// the sidecar so it survives a restart.</param>
public sealed record SpoolItem(long Sequence, string BlobName, string? Metadata, long Length, DateTimeOffset EnqueuedAt);
