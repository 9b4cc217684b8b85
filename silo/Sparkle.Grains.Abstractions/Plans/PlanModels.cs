using Sparkle.Grains.Identity;

namespace Sparkle.Grains.Plans;

public enum LayoutMode
{
    /// <summary>The chair places people in the layout's slots.</summary>
    Fixed = 0,
    /// <summary>The active speaker (from the audio mixer) takes the floor slot.</summary>
    Automatic = 1,
}

/// <summary>Someone to call: a directory or personal contact, or a typed number.
/// <see cref="Number"/> is what is dialled: a short number (extension) or an E.164/landline number.</summary>
[GenerateSerializer, Immutable]
public sealed record PlannedParticipant(
    [property: Id(0)] string Number,
    [property: Id(1)] string? DisplayName = null,
    [property: Id(2)] Role MeetingRole = Role.Participant,
    [property: Id(3)] string? ContactExternalId = null);

[GenerateSerializer, Immutable]
public sealed record RecordingSettings(
    [property: Id(0)] bool RecordMeeting = false,
    [property: Id(1)] bool SeparateAudioAndVideo = false,
    [property: Id(2)] bool PerUtteranceRecording = false,
    [property: Id(3)] bool Minutes = false);

[GenerateSerializer, Immutable]
public sealed record MeetingPlanSpec(
    [property: Id(0)] string Title,
    [property: Id(1)] IReadOnlyList<PlannedParticipant> Participants,
    [property: Id(2)] string Layout = "auto",
    [property: Id(3)] LayoutMode LayoutMode = LayoutMode.Automatic,
    [property: Id(4)] RecordingSettings? Recording = null,
    [property: Id(5)] string? Pin = null,
    [property: Id(6)] DateTimeOffset? ScheduledStart = null,
    [property: Id(7)] TimeSpan? Duration = null);

[GenerateSerializer, Immutable]
public sealed record MeetingPlanInfo(
    [property: Id(0)] Guid Id,
    [property: Id(1)] Guid TenantId,
    [property: Id(2)] string OwnerNumber,
    [property: Id(3)] MeetingPlanSpec Spec,
    /// <summary>The plan this one was copied from when it was shared, else null.</summary>
    [property: Id(4)] Guid? CopiedFrom,
    [property: Id(5)] DateTimeOffset CreatedAt,
    [property: Id(6)] DateTimeOffset UpdatedAt);
