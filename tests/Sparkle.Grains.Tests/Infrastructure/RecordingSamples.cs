using Sparkle.Grains.Recordings;

namespace Sparkle.Grains.Tests.Infrastructure;

/// <summary>What a worker reports once it stored a part or an utterance (the blobs themselves are not
/// read by the grains).</summary>
public static class RecordingSamples
{
    public static RecordingPartInfo Part(Guid recordingId, int index, bool last = false, RecordingKind kind = RecordingKind.Mixed) =>
        new(recordingId, kind, index, $"blob-{Guid.NewGuid():N}", new WrappedKey("k1", new byte[40]), 1_100, 1_000, "video/mp4",
            TimeSpan.FromMinutes(index * 10), TimeSpan.FromMinutes(10), last, DateTimeOffset.UtcNow);

    public static UtteranceInfo Utterance(string participantId, DateTimeOffset startedAt, TimeSpan? length = null) =>
        new(Guid.NewGuid(), participantId, startedAt, startedAt + (length ?? TimeSpan.FromSeconds(4)), null,
            $"blob-{Guid.NewGuid():N}", new WrappedKey("k1", new byte[40]), 300, 250, "audio/ogg");
}
