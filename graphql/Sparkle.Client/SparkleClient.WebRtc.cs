namespace Sparkle.Client;

/// <summary>Joining a meeting from a browser (or any WebRTC stack): one round trip, the complete offer for the
/// worker's answer. The console's Join button uses these.</summary>
public sealed partial class SparkleClient
{
    /// <summary>Joins as the signed-in user. <paramref name="offer"/> is the complete SDP offer (ICE gathering
    /// finished). A refused offer throws <see cref="SparkleApiException"/> with code OFFER_NOT_ACCEPTABLE.</summary>
    public async Task<WebRtcJoin> JoinMeetingWebRtcAsync(Guid meetingId, string offer, CancellationToken cancellationToken = default) =>
        (await ExecuteAsync("mutation($m: ID!, $o: String!) { joinMeetingWebRtc(meetingId: $m, offer: $o) { participantId answer } }",
            new { m = meetingId, o = offer }, cancellationToken: cancellationToken)).Get<WebRtcJoin>("joinMeetingWebRtc");

    /// <summary>Leaves a meeting joined from a browser; false when that participant was no longer in the call.</summary>
    public async Task<bool> LeaveMeetingWebRtcAsync(Guid meetingId, string participantId, CancellationToken cancellationToken = default) =>
        (await ExecuteAsync("mutation($m: ID!, $p: ID!) { leaveMeetingWebRtc(meetingId: $m, participantId: $p) }",
            new { m = meetingId, p = participantId }, cancellationToken: cancellationToken)).Get<bool>("leaveMeetingWebRtc");
}
