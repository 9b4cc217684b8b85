namespace Sparkle.GraphQL.Webhooks;

/// <summary>The notifications a tenant can subscribe a webhook to.</summary>
public static class WebhookEventTypes
{
    public const string MeetingScheduled = "meeting.scheduled";
    public const string MeetingStarted = "meeting.started";
    public const string MeetingEnded = "meeting.ended";
    public const string ParticipantJoined = "participant.joined";
    public const string ParticipantLeft = "participant.left";
    /// <summary>finalizeMinutes: the meeting, its title, participants and a link to the DOCX (sent by the API host
    /// that finalized, not the meeting watcher: minutes are usually finalized after the meeting ended).</summary>
    public const string MinutesFinalized = "minutes.finalized";

    public static IReadOnlyList<string> All { get; } = [MeetingScheduled, MeetingStarted, MeetingEnded, ParticipantJoined, ParticipantLeft, MinutesFinalized];
}
