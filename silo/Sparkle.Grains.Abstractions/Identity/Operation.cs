namespace Sparkle.Grains.Identity;

/// <summary>Every guarded operation of the platform. <see cref="Permissions"/> says who may do each.</summary>
public enum Operation
{
    // Tenant and users
    ViewTenant,
    ManageTenantPolicies,
    ViewUsers,
    ManageUsers,
    ChangeRoles,
    SetUserPassword,
    ManageBranding,
    // Directory
    ViewDirectory,
    ManageDirectory,
    SyncDirectory,
    ManageOwnContacts,
    // Plans
    CreatePlan,
    EditOwnPlan,
    EditAnyPlan,
    ViewAnyPlan,
    SharePlan,
    // Meetings
    CreateMeeting,
    StartMeeting,
    JoinMeeting,
    ViewMeeting,
    EndMeeting,
    DeleteMeeting,
    InviteParticipant,
    RemoveParticipant,
    MuteParticipant,
    ControlVideo,
    ControlSpeaking,
    SetParticipantRole,
    SetLayout,
    LockMeeting,
    ControlRecording,
    DialOutExternal,
    // Recordings (the catalog grain raises a meeting's owner, chairs and named listeners for PlayRecording,
    // and requires ReplayUtterance callers to be participants of the meeting)
    PlayRecording,
    ExportRecording,
    ReplayUtterance,
    DeleteRecording,
    ViewRecordingAudit,
    RotateRecordingKey,
    // Minutes (the minutes grain raises a meeting's owner, chairs and minutes editor, and by tenant policy its
    // participants for reading)
    ReadMinutes,
    EditMinutes,
    FinalizeMinutes,
    SetMinutesEditor,
    // Platform
    ManageTenants,
    // The console's live preview of a running meeting's composite (the meeting grain raises anyone with a role in
    // the meeting: owner, chairs, planned participants)
    ViewLiveVideo,
    // Usage records and per-day statistics of the tenant (the platform operator: of any tenant)
    ViewUsage,
}
