using Sparkle.Grains.Media;

namespace Sparkle.MediaWorker.Replay;

/// <summary>Where a replay's stored utterances come from: the plaintext (an Ogg Opus file) of one sealed segment.
/// The worker's is <see cref="SealedClipSource"/> (blob storage, the tenant's key grain); tests use a local one.</summary>
public interface IClipSource
{
    /// <summary>The whole plaintext of the segment; throws when it cannot be read (missing blob, forgotten key,
    /// tampering).</summary>
    Task<byte[]> ReadAsync(Guid tenantId, ReplaySegment segment, CancellationToken cancellationToken);
}
