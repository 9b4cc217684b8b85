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
    /// <summary>Opens this worker's end of a cascade trunk for a meeting towards a peer worker: binds a UDP port and makes the
    /// SRTP key for what this end sends. Idempotent per (meeting, peer): opening again replaces the old end (re-establish).</summary>
    Task<TrunkEndpoint> OpenTrunkAsync(TrunkRequest request);
    /// <summary>Points an opened trunk end at the peer's end; media flows from then on. False when no such trunk is open.</summary>
    Task<bool> ConnectTrunkAsync(Guid meetingId, string peerWorkerId, TrunkEndpoint peer);
    Task CloseTrunkAsync(Guid meetingId, string peerWorkerId);
    /// <summary>The leg's receive statistics and negotiated media (for its usage record); null when the leg is not here.</summary>
    Task<LegQuality?> GetLegQualityAsync(Guid meetingId, string participantId);
}

/// <summary>The registry of media workers. Key: 0. Workers register and heartbeat every second;
/// one that misses heartbeats for <c>DeadAfter</c> is dropped.</summary>
public interface IMediaWorkerRegistryGrain : IGrainWithIntegerKey
{
    /// <summary>Registers (again) and returns the worker's generation: the same as before when the registry merely forgot
    /// the worker (a silo restart), a new one when it had declared the worker dead or sees a new instance of it. A worker
    /// that gets a new generation while holding legs asks their meetings which it still serves
    /// (<see cref="Meetings.IMeetingMediaGrain.ConfirmLegsAsync"/>) before serving them again.</summary>
    Task<long> RegisterAsync(MediaWorkerInfo info, IMediaWorker worker);
    /// <summary>Returns false when the registry does not know the worker (it must register again). The meetings it has media
    /// for tell the registry whom to warn when the worker goes silent.</summary>
    Task<bool> HeartbeatAsync(string workerId, int activeLegs, int meetings, double cpuLoad, IReadOnlyList<Guid>? meetingIds = null);
    /// <summary>Places the meeting anew on the least-loaded live worker with room other than <paramref name="leaving"/>
    /// (a worker declared dead or draining), or null when there is none.</summary>
    Task<string?> PlaceAwayFromAsync(Guid meetingId, string leaving, int expectedLegs);
    /// <summary>The worker for one more leg of a meeting that has media on <paramref name="workers"/> (its home first): the
    /// first of them with room, else the least-loaded other live worker with room (the meeting spills over and the caller
    /// links it to the home by a cascade trunk), else null.</summary>
    Task<string?> PlaceLegAsync(Guid meetingId, IReadOnlyList<string> workers);
    /// <summary>The live worker with this id and its generation, or null.</summary>
    Task<WorkerHandle?> ResolveAsync(string workerId);
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
    /// (code LAST_WORKER) when draining it would leave no live worker taking meetings. Draining moves the worker's meetings
    /// off it by their re-home path, <paramref name="legsPerSecond"/> legs of a meeting per second.</summary>
    Task<MediaWorkerInfo> SetDrainingAsync(string workerId, bool draining, int legsPerSecond = 5);
}
