using Sparkle.Grains.Media;

namespace Sparkle.Gateway.Tests.Infrastructure;

/// <summary>Stands in for the media-worker process (another issue's work): canned SDP per participant.
/// Offers containing "reject" are refused, as an unusable offer would be.</summary>
public sealed class FakeMediaWorker : IMediaWorker
{
    /// <summary>Key frames asked for (meeting, participant), as the gateway relays SIP INFO picture_fast_update.</summary>
    public System.Collections.Concurrent.ConcurrentQueue<(Guid MeetingId, string ParticipantId)> KeyFrameRequests { get; } = new();

    public static string AnswerFor(string participantId) => $"v=0\r\no=worker 1 1 IN IP4 127.0.0.1\r\ns=answer {participantId}\r\n";
    public static string OfferFor(string participantId) => $"v=0\r\no=worker 1 1 IN IP4 127.0.0.1\r\ns=offer {participantId}\r\n";

    /// <summary>Set by a test that puts a real phone in a call: a complete SDP answer for its offer (the collection's
    /// tests run one at a time, so one test owns it while set).</summary>
    public Func<LegRequest, string>? AnswerForRealPhone { get; set; }

    public Task<LegAllocation> AllocateLegAsync(LegRequest request) => Task.FromResult(
        AnswerForRealPhone is { } answer && request.RemoteSdp is not null
            ? new LegAllocation(true, answer(request), null, 1111, null)
            : request.RemoteSdp?.Contains("reject", StringComparison.Ordinal) == true
            ? new LegAllocation(false, null, "no common codec")
            : new LegAllocation(true, request.RemoteSdp is null ? OfferFor(request.ParticipantId) : AnswerFor(request.ParticipantId), null, 1111, null));

    public Task<LegAllocation> CompleteLegAsync(Guid meetingId, string participantId, string remoteSdp) =>
        Task.FromResult(new LegAllocation(true, null, null));

    public Task<LegAllocation> RenegotiateLegAsync(Guid meetingId, string participantId, string remoteSdp) =>
        Task.FromResult(remoteSdp.Contains("reject", StringComparison.Ordinal)
            ? new LegAllocation(false, null, "no")
            : new LegAllocation(true, AnswerFor(participantId) + (remoteSdp.Contains("a=sendonly", StringComparison.Ordinal) ? "a=recvonly\r\n" : ""), null));

    public Task ControlLegAsync(Guid meetingId, string participantId, LegControl control) => Task.CompletedTask;

    public Task<bool> RequestKeyFrameAsync(Guid meetingId, string participantId)
    {
        KeyFrameRequests.Enqueue((meetingId, participantId));
        return Task.FromResult(true);
    }

    public Task ReleaseLegAsync(Guid meetingId, string participantId) => Task.CompletedTask;

    public Task SetLayoutAsync(Guid meetingId, VideoLayoutControl layout) => Task.CompletedTask;

    public Task ReleaseMeetingAsync(Guid meetingId) => Task.CompletedTask;

    public Task<MediaWorkerInfo> PingAsync() =>
        Task.FromResult(new MediaWorkerInfo("fake-worker", "127.0.0.1", 1000, 0, 0, DateTimeOffset.UtcNow));

    public Task StartRecordingAsync(Guid meetingId, Sparkle.Grains.Recordings.RecordingOrder order) => Task.CompletedTask;

    public Task<bool> StopRecordingAsync(Guid meetingId) => Task.FromResult(false);

    public Task<bool> PlayIntoLegAsync(Guid meetingId, string participantId, ReplayClip clip) => Task.FromResult(false);

    public Task<PreviewPicture?> GetPreviewAsync(Guid meetingId) => Task.FromResult<PreviewPicture?>(null);

    public Task<TrunkEndpoint> OpenTrunkAsync(TrunkRequest request) => throw new NotSupportedException("This fake worker does not cascade.");

    public Task<bool> ConnectTrunkAsync(Guid meetingId, string peerWorkerId, TrunkEndpoint peer) => Task.FromResult(false);

    public Task CloseTrunkAsync(Guid meetingId, string peerWorkerId) => Task.CompletedTask;

    public Task<LegQuality?> GetLegQualityAsync(Guid meetingId, string participantId) => Task.FromResult<LegQuality?>(null);
}
