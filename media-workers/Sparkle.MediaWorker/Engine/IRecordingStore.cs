using Sparkle.Grains.Recordings;
using Sparkle.Media.Recording;

namespace Sparkle.MediaWorker.Engine;

/// <summary>Where a meeting's finished recording files go: a sink per recording order, which knows the
/// meeting and tenant the files belong to (the recorder itself does not).</summary>
public interface IRecordingStore
{
    /// <summary>Called when a recording starts; throws when recordings cannot be kept (no storage configured).</summary>
    IRecordingSink Open(Guid meetingId, RecordingOrder order);
}
