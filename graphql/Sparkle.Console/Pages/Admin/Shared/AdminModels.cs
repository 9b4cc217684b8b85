using Sparkle.Client;

namespace Sparkle.Console.Pages.Admin.Shared;

// What the administration pages read, field for field as the schema names them (the SDK's models carry only
// what integrators commonly need).

public sealed record MeetingRow(Guid Id, string Title, string ConferenceNumber, string OwnerNumber, MeetingStatus Status,
    DateTimeOffset CreatedAt, DateTimeOffset? StartedAt, DateTimeOffset? EndedAt, IReadOnlyList<ParticipantHistory>? Participants);

public sealed record ParticipantHistory(string Id, string Uri, string? DisplayName, string? UserNumber, Role Role, string? State,
    string? JoiningMethod, string? DisconnectionMethod, DateTimeOffset? JoinedAt, DateTimeOffset? LeftAt);

public sealed record RecordingRow(string Id, string Kind, DateTimeOffset StartedAt, DateTimeOffset? EndedAt, long DurationMs, long SizeBytes);

public sealed record MeetingDetail(Guid Id, string Title, string ConferenceNumber, string OwnerNumber, MeetingStatus Status, bool Locked,
    bool Recording, string Layout, LayoutMode LayoutMode, Guid? PlanId, DateTimeOffset CreatedAt, DateTimeOffset? ScheduledStart,
    DateTimeOffset? StartedAt, DateTimeOffset? EndedAt, IReadOnlyList<ParticipantHistory> Participants,
    IReadOnlyList<PlannedParticipant> PlannedParticipants, IReadOnlyList<RecordingRow>? Recordings);

public sealed record RecordingSettingsView(bool RecordMeeting, bool SeparateAudioAndVideo, bool PerUtteranceRecording, bool Minutes);

public sealed record PlanDetail(Guid Id, string OwnerNumber, string Title, IReadOnlyList<PlannedParticipant> Participants, string Layout,
    LayoutMode LayoutMode, RecordingSettingsView? Recording, string? Pin, Guid? CopiedFrom, DateTimeOffset? UpdatedAt);

public sealed record LayoutOption(string Id, string Name, int Slots);

public sealed record UserRow(string Number, string DisplayName, Role Role, string? Mobile, string? Landline, string? Email);

public sealed record SipTrunkView(string OutboundProxy, string Domain, string? Username, bool HasPassword);

public sealed record TenantPoliciesView(bool TlsOnlySignalling, bool SrtpRequired, Role DialOutMinimumRole, IReadOnlyList<string> DialOutPatterns,
    SipTrunkView? Trunk, int RecordingRetentionDays, Role RecordingExportMinimumRole, bool AllowUtteranceReplayAfterMeeting,
    bool ParticipantsReadMinutes, string MinutesLanguage);

public sealed record TenantView(Guid Id, string Name, IReadOnlyList<string> SipDomains, TenantPoliciesView Policies, DateTimeOffset CreatedAt);

public sealed record TenantRow(Guid Id, string Name, IReadOnlyList<string> SipDomains, DateTimeOffset CreatedAt);

public sealed record WebhookRow(string Id, string Url, IReadOnlyList<string> Events, DateTimeOffset CreatedAt, string? Secret);

public sealed record DeliveryRow(string Id, string EventType, string Payload, string State, int Attempts, int? LastStatusCode, string? LastError,
    DateTimeOffset CreatedAt, DateTimeOffset? DeliveredAt, DateTimeOffset? NextAttemptAt);

public sealed record WorkerRow(string Id, string Address, string? Version, int Legs, int Capacity, int Meetings, double Cpu, bool Draining, DateTimeOffset? LastHeartbeat);

public sealed record GatewayRow(string Id, string Address, string? Version, int Calls, DateTimeOffset? LastHeartbeat);
