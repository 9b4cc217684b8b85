using System.Collections.Concurrent;
using Sparkle.Grains.Meetings;

namespace Sparkle.Grains.Tests.Infrastructure;

/// <summary>A meeting subscriber (what the gateway notifier and GraphQL subscriptions are).</summary>
public sealed class RecordingObserver : IMeetingObserver
{
    public ConcurrentQueue<MeetingEvent> Events { get; } = new();

    public Task OnMeetingEventAsync(MeetingEvent meetingEvent)
    {
        Events.Enqueue(meetingEvent);
        return Task.CompletedTask;
    }
}
