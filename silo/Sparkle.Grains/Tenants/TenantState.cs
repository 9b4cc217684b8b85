using Sparkle.Grains.Identity;

namespace Sparkle.Grains.Tenants;

[GenerateSerializer]
public sealed class TenantState
{
    [Id(0)] public bool Exists { get; set; }
    [Id(1)] public string Name { get; set; } = "";
    [Id(2)] public List<string> SipDomains { get; set; } = [];
    [Id(3)] public TenantPolicies Policies { get; set; } = new();
    [Id(4)] public DateTimeOffset CreatedAt { get; set; }
    /// <summary>The users by number; the source of truth for roles.</summary>
    [Id(5)] public Dictionary<string, UserRecord> Users { get; set; } = [];
    /// <summary>Null: the platform's default look.</summary>
    [Id(6)] public TenantBranding? Branding { get; set; }
    /// <summary>The listing index holds every user (false for tenants older than the index).</summary>
    [Id(7)] public bool UsersListed { get; set; }
}

[GenerateSerializer]
public sealed class UserRecord
{
    [Id(0)] public string Number { get; set; } = "";
    [Id(1)] public string DisplayName { get; set; } = "";
    [Id(2)] public Role Role { get; set; }
    [Id(3)] public string? Mobile { get; set; }
    [Id(4)] public string? Landline { get; set; }
    [Id(5)] public string? Email { get; set; }
}
