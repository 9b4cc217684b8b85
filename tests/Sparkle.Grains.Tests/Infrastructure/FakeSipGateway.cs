using System.Collections.Concurrent;
using Sparkle.Grains.Gateway;

namespace Sparkle.Grains.Tests.Infrastructure;

/// <summary>Stands in for a SIP gateway process: records the dial-outs and hang-ups it is asked for.</summary>
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
}
