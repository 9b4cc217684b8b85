namespace Sparkle.Client;

/// <summary>What a live meeting view needs: the meeting with every live field, the layouts, and the chair's
/// controls. Every control returns the meeting as it is after the change.</summary>
public sealed partial class SparkleClient
{
    /// <summary>The meeting fields a live view shows; the same participant fields as a meetingEvents event.</summary>
    public const string LiveMeetingFields =
        "id conferenceNumber ownerNumber title status locked layout layoutMode version activeSpeakerId recordingState "
        + "participants { " + LiveParticipantFields + " }";

    public const string LiveParticipantFields = "id uri displayName userNumber role state muted speakingAllowed videoOn videoAllowed speaking slot inLobby";

    public async Task<Meeting?> GetLiveMeetingAsync(Guid id, CancellationToken cancellationToken = default) =>
        (await ExecuteAsync($"query($id: ID!) {{ meeting(id: $id) {{ {LiveMeetingFields} }} }}", new { id }, cancellationToken: cancellationToken))
            .Get<Meeting?>("meeting");

    public async Task<IReadOnlyList<VideoLayout>> GetLayoutsAsync(CancellationToken cancellationToken = default) =>
        (await ExecuteAsync("{ layouts { id name slots tiles { slot x y width height z floor } } }", cancellationToken: cancellationToken))
            .Get<List<VideoLayout>>("layouts");

    public Task<Meeting> CommandParticipantAsync(Guid meetingId, string participantId, ParticipantCommand command, CancellationToken cancellationToken = default)
    {
        var field = command switch
        {
            ParticipantCommand.Mute => "muteParticipant",
            ParticipantCommand.Unmute => "unmuteParticipant",
            ParticipantCommand.TurnVideoOff => "turnVideoOff",
            ParticipantCommand.TurnVideoOn => "turnVideoOn",
            ParticipantCommand.AllowSpeaking => "allowSpeaking",
            ParticipantCommand.ForbidSpeaking => "forbidSpeaking",
            ParticipantCommand.AllowVideo => "allowVideo",
            ParticipantCommand.ForbidVideo => "forbidVideo",
            ParticipantCommand.Remove => "removeParticipant",
            _ => throw new ArgumentOutOfRangeException(nameof(command)),
        };
        return MeetingMutationAsync(field, "$p: ID!", "participantId: $p", new { m = meetingId, p = participantId }, cancellationToken);
    }

    public Task<Meeting> SetParticipantRoleAsync(Guid meetingId, string participantId, Role role, CancellationToken cancellationToken = default) =>
        MeetingMutationAsync("setParticipantRole", "$p: ID!, $r: Role!", "participantId: $p, role: $r", new { m = meetingId, p = participantId, r = role }, cancellationToken);

    public Task<Meeting> PlaceInSlotAsync(Guid meetingId, string participantId, int slot, CancellationToken cancellationToken = default) =>
        MeetingMutationAsync("placeInSlot", "$p: ID!, $s: Int!", "participantId: $p, slot: $s", new { m = meetingId, p = participantId, s = slot }, cancellationToken);

    public Task<Meeting> InviteAsync(Guid meetingId, string number, CancellationToken cancellationToken = default) =>
        MeetingMutationAsync("inviteParticipant", "$n: ParticipantInput!", "participant: $n", new { m = meetingId, n = new { number } }, cancellationToken);

    public Task<Meeting> SetLayoutAsync(Guid meetingId, string layoutId, CancellationToken cancellationToken = default) =>
        MeetingMutationAsync("setLayout", "$l: ID!", "layoutId: $l", new { m = meetingId, l = layoutId }, cancellationToken);

    public Task<Meeting> SetLayoutModeAsync(Guid meetingId, LayoutMode mode, CancellationToken cancellationToken = default) =>
        MeetingMutationAsync("setLayoutMode", "$x: LayoutMode!", "mode: $x", new { m = meetingId, x = mode }, cancellationToken);

    public Task<Meeting> SetRecordingAsync(Guid meetingId, bool recording, CancellationToken cancellationToken = default) =>
        MeetingMutationAsync(recording ? "startRecording" : "stopRecording", null, null, new { m = meetingId }, cancellationToken);

    /// <summary>One click: dials every planned participant of a created meeting in parallel.</summary>
    public async Task<Meeting> StartCreatedMeetingAsync(Guid meetingId, CancellationToken cancellationToken = default) =>
        (await ExecuteAsync($"mutation($m: ID!) {{ startMeeting(meetingId: $m) {{ {LiveMeetingFields} }} }}", new { m = meetingId }, cancellationToken: cancellationToken))
            .Get<Meeting>("startMeeting");

    public async Task<Meeting> EndMeetingAsync(Guid meetingId, CancellationToken cancellationToken = default) =>
        (await ExecuteAsync($"mutation($m: ID!) {{ endMeeting(id: $m) {{ {LiveMeetingFields} }} }}", new { m = meetingId }, cancellationToken: cancellationToken))
            .Get<Meeting>("endMeeting");

    private async Task<Meeting> MeetingMutationAsync(string field, string? parameters, string? arguments, object variables, CancellationToken cancellationToken)
    {
        var declared = parameters is null ? "$m: ID!" : "$m: ID!, " + parameters;
        var passed = arguments is null ? "meetingId: $m" : "meetingId: $m, " + arguments;
        return (await ExecuteAsync($"mutation({declared}) {{ {field}({passed}) {{ {LiveMeetingFields} }} }}", variables, cancellationToken: cancellationToken))
            .Get<Meeting>(field);
    }
}
