using Sparkle.Grains.Recordings;

namespace Sparkle.MediaWorker.Engine;

// Recording on the worker: being built (issue 9); until then the worker refuses clearly.
public sealed partial class MediaEngine
{
    public Task StartRecordingAsync(Guid meetingId, RecordingOrder order) =>
        throw new NotSupportedException("Recording is not available on this worker yet.");

    public Task<bool> StopRecordingAsync(Guid meetingId) => Task.FromResult(false);
}
