using Sparkle.Grains.Identity;

namespace Sparkle.Grains.Tenants;

/// <summary>The SIP trunk through which a tenant's mobile and landline numbers are dialled.</summary>
[GenerateSerializer, Immutable]
public sealed record SipTrunk(
    [property: Id(0)] string OutboundProxy,
    [property: Id(1)] string Domain,
    [property: Id(2)] string? Username,
    [property: Id(3)] string? Password);

[GenerateSerializer, Immutable]
public sealed record TenantPolicies(
    [property: Id(0)] bool TlsOnlySignalling = false,
    [property: Id(1)] bool SrtpRequired = false,
    /// <summary>Lowest tenant role allowed to dial numbers outside the tenant.</summary>
    [property: Id(2)] Role DialOutMinimumRole = Role.Chair,
    /// <summary>Regular expressions an external number must match to be dialled (empty: any).</summary>
    [property: Id(3)] IReadOnlyList<string>? DialOutPatterns = null,
    [property: Id(4)] SipTrunk? Trunk = null,
    /// <summary>Recordings and utterances are deleted (and their keys forgotten) this many days after they
    /// ended; 0 keeps them until deleted.</summary>
    [property: Id(5)] int RecordingRetentionDays = 0,
    /// <summary>Lowest tenant role allowed to download recordings: manager or owner (a lower role does not
    /// widen the matrix).</summary>
    [property: Id(6)] Role RecordingExportMinimumRole = Role.Manager,
    /// <summary>Participants may replay utterances after the meeting ended, not only while it runs.</summary>
    [property: Id(7)] bool AllowUtteranceReplayAfterMeeting = false,
    /// <summary>Participants of a meeting read its minutes (otherwise only its owner, chairs, minutes editor and
    /// the tenant's owners and managers do).</summary>
    [property: Id(8)] bool ParticipantsReadMinutes = false,
    /// <summary>BCP-47 language of the minutes. The installed engine (PocketSphinx, Debian's model) recognises
    /// en-US only; other languages give UNTRANSCRIBED entries saying so.</summary>
    [property: Id(9)] string MinutesLanguage = "en-US");

[GenerateSerializer, Immutable]
public sealed record TenantInfo(
    [property: Id(0)] Guid Id,
    [property: Id(1)] string Name,
    [property: Id(2)] IReadOnlyList<string> SipDomains,
    [property: Id(3)] TenantPolicies Policies,
    [property: Id(4)] DateTimeOffset CreatedAt);

[GenerateSerializer, Immutable]
public sealed record UserSpec(
    [property: Id(0)] string Number,
    [property: Id(1)] string DisplayName,
    [property: Id(2)] Role Role,
    [property: Id(3)] string? Mobile = null,
    [property: Id(4)] string? Landline = null,
    [property: Id(5)] string? Email = null,
    /// <summary>Plain SIP password; only its digest hashes are stored.</summary>
    [property: Id(6)] string? SipPassword = null,
    /// <summary>Plain web-console password; only its PBKDF2 hash is stored.</summary>
    [property: Id(7)] string? ConsolePassword = null);

[GenerateSerializer, Immutable]
public sealed record UserInfo(
    [property: Id(0)] Guid TenantId,
    [property: Id(1)] string Number,
    [property: Id(2)] string DisplayName,
    [property: Id(3)] Role Role,
    [property: Id(4)] string? Mobile,
    [property: Id(5)] string? Landline,
    [property: Id(6)] string? Email);

/// <summary>RFC 7616 digest credentials: H(username:realm:password), never the password.</summary>
[GenerateSerializer, Immutable]
public sealed record DigestCredentials(
    [property: Id(0)] string Realm,
    [property: Id(1)] string Ha1Md5,
    [property: Id(2)] string Ha1Sha256);

/// <summary>How a tenant's sign-in page and console look. Public by design: the sign-in page shows it before
/// anyone is signed in.</summary>
[GenerateSerializer, Immutable]
public sealed record TenantBranding(
    [property: Id(0)] string ProductName,
    /// <summary>A data:image/png|svg+xml|jpeg;base64 URL of at most 128 KiB, or null.</summary>
    [property: Id(1)] string? LogoDataUrl,
    /// <summary>#rrggbb</summary>
    [property: Id(2)] string PrimaryColor,
    /// <summary>#rrggbb</summary>
    [property: Id(3)] string AccentColor,
    [property: Id(4)] string? SignInMessage)
{
    /// <summary>The platform's own look: every tenant that set nothing, and every unknown tenant.</summary>
    public static readonly TenantBranding Default = new("Sparkle.Cloud", null, "#3b5bdb", "#f59f00", null);

    public const int MaxLogoBytes = 128 * 1024;
}
