using System.Collections.Concurrent;
using Sparkle.Grains.Gateway;

namespace Sparkle.Grains.Tests.Infrastructure;

/// <summary>Stands in for a SIP gateway process: records the dial-outs, hang-ups and re-INVITEs it is asked for; a phone
/// answers a re-INVITE unless <see cref="RefuseReinvites"/> is set.</summary>
public sealed class FakeSipGateway : ISipGateway
{
    public ConcurrentQueue<DialOutRequest> DialOuts { get; } = new();
    public ConcurrentQueue<(Guid MeetingId, string ParticipantId)> HangUps { get; } = new();

    public Task DialOutAsync(DialOutRequest request)
    {
        DialOuts.Enqueue(request);
        return Task.CompletedTask;
    }

    public Task HangUpAsync(Guid meetingId, string participantId)
    {
        HangUps.Enqueue((meetingId, participantId));
        return Task.CompletedTask;
    }

    public ConcurrentQueue<(Guid MeetingId, string ParticipantId, string Offer)> Reinvites { get; } = new();
    public bool RefuseReinvites { get; set; }

    public static string ReinviteAnswerFor(string participantId) => $"v=0\r\ns=moved {participantId}\r\n";

    public Task<string?> ReinviteAsync(Guid meetingId, string participantId, string offerSdp)
    {
        Reinvites.Enqueue((meetingId, participantId, offerSdp));
        return Task.FromResult(RefuseReinvites ? null : ReinviteAnswerFor(participantId));
    }
}
