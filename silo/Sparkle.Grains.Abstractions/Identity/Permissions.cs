namespace Sparkle.Grains.Identity;

/// <summary>The one permission matrix: the lowest role that may perform each operation.
/// In a meeting the effective role is the higher of the tenant role and the meeting role, so a member
/// who chairs a meeting controls that meeting and nothing else.</summary>
public static class Permissions
{
    private static readonly Dictionary<Operation, Role> s_minimumRole = new()
    {
        [Operation.ViewTenant] = Role.Member,
        [Operation.ManageTenantPolicies] = Role.Owner,
        [Operation.ViewUsers] = Role.Member,
        [Operation.ManageUsers] = Role.Manager,
        [Operation.ChangeRoles] = Role.Manager,
        // Also bounded by rank: nobody sets the password of a user above their own role (TenantGrain).
        [Operation.SetUserPassword] = Role.Manager,
        [Operation.ManageBranding] = Role.Owner,
        [Operation.ViewDirectory] = Role.Member,
        [Operation.ManageDirectory] = Role.Manager,
        [Operation.SyncDirectory] = Role.Manager,
        [Operation.ManageOwnContacts] = Role.Member,
        [Operation.CreatePlan] = Role.Member,
        [Operation.EditOwnPlan] = Role.Member,
        [Operation.EditAnyPlan] = Role.Manager,
        [Operation.ViewAnyPlan] = Role.Manager,
        [Operation.SharePlan] = Role.Member,
        [Operation.CreateMeeting] = Role.Member,
        [Operation.StartMeeting] = Role.Member,
        [Operation.JoinMeeting] = Role.Participant,
        [Operation.ViewMeeting] = Role.Participant,
        [Operation.EndMeeting] = Role.Chair,
        [Operation.DeleteMeeting] = Role.Manager,
        [Operation.InviteParticipant] = Role.Chair,
        [Operation.RemoveParticipant] = Role.Chair,
        [Operation.MuteParticipant] = Role.Chair,
        [Operation.ControlVideo] = Role.Chair,
        [Operation.ControlSpeaking] = Role.Chair,
        [Operation.SetParticipantRole] = Role.Chair,
        [Operation.SetLayout] = Role.Chair,
        [Operation.LockMeeting] = Role.Chair,
        [Operation.ControlRecording] = Role.Chair,
        [Operation.DialOutExternal] = Role.Chair,
        // A meeting's owner, chairs and named listeners are raised to Manager for PlayRecording of that meeting
        // only (RecordingCatalogGrain); a tenant chair of another meeting is not.
        [Operation.PlayRecording] = Role.Manager,
        // TenantPolicies.RecordingExportMinimumRole can raise this to Owner, never lower it.
        [Operation.ExportRecording] = Role.Manager,
        // Only participants of the meeting (while it runs, or after with the tenant's policy), and managers.
        [Operation.ReplayUtterance] = Role.Participant,
        [Operation.DeleteRecording] = Role.Manager,
        [Operation.ViewRecordingAudit] = Role.Manager,
        [Operation.RotateRecordingKey] = Role.Owner,
        // The meeting's owner, chairs and minutes editor are raised to Manager for these on that meeting only, and
        // its participants for ReadMinutes when TenantPolicies.ParticipantsReadMinutes allows (MinutesGrain).
        [Operation.ReadMinutes] = Role.Manager,
        [Operation.EditMinutes] = Role.Manager,
        [Operation.FinalizeMinutes] = Role.Manager,
        // The meeting role counts: a member who chairs the meeting names its editor.
        [Operation.SetMinutesEditor] = Role.Chair,
        // The meeting's owner, chairs and planned participants are raised to Manager for this on that meeting only
        // (MeetingGrain.Preview); a member with no part in the meeting is refused.
        [Operation.ViewLiveVideo] = Role.Manager,
        // What the tenant used (legs, minutes, recordings): owners and managers; the operator for billing, see Allows(CallerKind...).
        [Operation.ViewUsage] = Role.Manager,
        [Operation.ManageTenants] = Role.Owner, // only meaningful for the platform operator, see Allows(Caller...)
    };

    public static IReadOnlyDictionary<Operation, Role> MinimumRoles => s_minimumRole;

    public static bool Allows(Role role, Operation operation) =>
        operation != Operation.ManageTenants && role >= s_minimumRole[operation];

    /// <summary>Rights of non-user callers: the gateway and workers act as the platform for their tenant;
    /// sync jobs only synchronise the directory; the platform operator administers tenants and reads their usage (billing), never their content.</summary>
    public static bool Allows(CallerKind kind, Operation operation) => kind switch
    {
        CallerKind.System => operation != Operation.ManageTenants,
        CallerKind.DirectorySync => operation is Operation.SyncDirectory or Operation.ViewDirectory,
        CallerKind.PlatformOperator => operation is Operation.ManageTenants or Operation.ViewTenant or Operation.ViewUsage,
        _ => false,
    };

    public static Role EffectiveRole(Role tenantRole, Role? meetingRole) =>
        meetingRole is { } m && m > tenantRole ? m : tenantRole;
}

/// <summary>Thrown by grains when the caller may not do what it asked; the API maps it to a typed error
/// and the gateway to 403.</summary>
[GenerateSerializer]
public sealed class AccessDeniedException : Exception
{
    public AccessDeniedException() { }
    public AccessDeniedException(string message) : base(message) { }
    public AccessDeniedException(string message, Exception inner) : base(message, inner) { }
}

/// <summary>Thrown when the caller names something that does not exist or belongs to another tenant
/// (the two are indistinguishable on purpose).</summary>
[GenerateSerializer]
public sealed class NotFoundException : Exception
{
    public NotFoundException() { }
    public NotFoundException(string message) : base(message) { }
    public NotFoundException(string message, Exception inner) : base(message, inner) { }
}

/// <summary>Bad input from a caller: a clear message, nothing changed. <see cref="Code"/> names the problem
/// when clients must tell it apart (the API reports it as the error's code instead of BAD_USER_INPUT).</summary>
[GenerateSerializer]
public sealed class ValidationException : Exception
{
    public ValidationException() { }
    public ValidationException(string message) : base(message) { }
    public ValidationException(string message, Exception inner) : base(message, inner) { }

    [Id(0)] public string? Code { get; set; }

    public static ValidationException WithCode(string code, string message) => new(message) { Code = code };
}

/// <summary>The typed codes of <see cref="ValidationException.Code"/>.</summary>
public static class ValidationCodes
{
    public const string PasswordTooWeak = "PASSWORD_TOO_WEAK";
    public const string InvalidPassword = "INVALID_PASSWORD";
    public const string InvalidColor = "INVALID_COLOR";
    public const string InvalidLogo = "INVALID_LOGO";
    /// <summary>Draining this media worker would leave no live worker that takes new meetings.</summary>
    public const string LastWorker = "LAST_WORKER";
}
