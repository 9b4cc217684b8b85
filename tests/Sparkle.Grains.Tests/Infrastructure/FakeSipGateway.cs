using System.Collections.Concurrent;
using Sparkle.Grains.Gateway;

namespace Sparkle.Grains.Tests.Infrastructure;

/// <summary>Stands in for a SIP gateway process: records the dial-outs, hang-ups and re-INVITEs it is asked for.</summary>
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

    /// <summary>The re-INVITEs asked for; answered with <see cref="ReinviteAnswer"/> (null: the phone refused).</summary>
    public ConcurrentQueue<(Guid MeetingId, string ParticipantId, string OfferSdp)> Reinvites { get; } = new();
    public string? ReinviteAnswer { get; set; }

    public Task<string?> ReinviteAsync(Guid meetingId, string participantId, string offerSdp)
    {
        Reinvites.Enqueue((meetingId, participantId, offerSdp));
        return Task.FromResult(ReinviteAnswer);
    }
}
