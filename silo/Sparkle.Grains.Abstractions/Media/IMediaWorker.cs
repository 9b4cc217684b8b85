namespace Sparkle.Grains.Media;

/// <summary>The control interface a media-worker process (the MRFP) exposes to meeting grains (the MRFC).
/// Implemented by the worker as an Orleans client observer and registered with the registry.</summary>
public interface IMediaWorker : IGrainObserver
{
    Task<LegAllocation> AllocateLegAsync(LegRequest request);
    /// <summary>Completes a leg the worker offered, with the remote answer.</summary>
    Task<LegAllocation> CompleteLegAsync(Guid meetingId, string participantId, string remoteSdp);
    /// <summary>A new remote offer on an existing leg (re-INVITE): returns the answer.</summary>
    Task<LegAllocation> RenegotiateLegAsync(Guid meetingId, string participantId, string remoteSdp);
    Task ControlLegAsync(Guid meetingId, string participantId, LegControl control);
    /// <summary>A key frame for the video stream this leg receives (the phone asked over signalling);
    /// false when the leg has no video.</summary>
    Task<bool> RequestKeyFrameAsync(Guid meetingId, string participantId);
    Task ReleaseLegAsync(Guid meetingId, string participantId);
    Task SetLayoutAsync(Guid meetingId, VideoLayoutControl layout);
    Task ReleaseMeetingAsync(Guid meetingId);
    Task<MediaWorkerInfo> PingAsync();
    /// <summary>Starts recording the meeting on this worker (whole meeting and/or per utterance). Fails with
    /// an error when the meeting has no media here or a recording already runs.</summary>
    Task StartRecordingAsync(Guid meetingId, Sparkle.Grains.Recordings.RecordingOrder order);
    /// <summary>Stops the running recording: the last part is finished, sealed and reported. False when none runs.</summary>
    Task<bool> StopRecordingAsync(Guid meetingId);
    /// <summary>Plays stored utterances privately into this leg only, with the meeting ducked underneath; a new
    /// replay replaces one in progress. Returns at once (the worker fetches and decodes in the background); false
    /// when the leg is not here or is kept out of the conversation (lobby).</summary>
    Task<bool> PlayIntoLegAsync(Guid meetingId, string participantId, ReplayClip clip);
    /// <summary>The meeting's latest large composite (what video receivers see) as JPEG, encoded on request and
    /// cached by the worker for half a second; null when the meeting has no video here or nothing is composed.</summary>
    Task<PreviewPicture?> GetPreviewAsync(Guid meetingId);
}

/// <summary>The registry of media workers. Key: 0. Workers register and heartbeat every second;
/// one that misses heartbeats for <c>DeadAfter</c> is dropped.</summary>
public interface IMediaWorkerRegistryGrain : IGrainWithIntegerKey
{
    Task RegisterAsync(MediaWorkerInfo info, IMediaWorker worker);
    /// <summary>Returns false when the registry does not know the worker (it must register again).</summary>
    Task<bool> HeartbeatAsync(string workerId, int activeLegs, int meetings, double cpuLoad);
    Task UnregisterAsync(string workerId);
    /// <summary>Chooses the least-loaded live, non-draining worker with room for more legs, or null. A meeting
    /// already placed keeps its worker while that worker lives, draining or not.</summary>
    Task<string?> PlaceAsync(Guid meetingId, int expectedLegs);
    Task<IMediaWorker?> GetWorkerAsync(string workerId);
    /// <summary>Every registered worker with its last heartbeat's figures, by id (the operator's fleet view); one silent
    /// for <c>DeadAfter</c> is dropped within a second.</summary>
    Task<IReadOnlyList<MediaWorkerInfo>> ListAsync();
    /// <summary>Marks a registered worker draining (no new meetings are placed on it) or back in service, and
    /// returns it. NotFoundException for a worker the registry does not know; ValidationException
    /// (code LAST_WORKER) when draining it would leave no live worker taking meetings.</summary>
    Task<MediaWorkerInfo> SetDrainingAsync(string workerId, bool draining);
}
