using Sparkle.Grains.Identity;

namespace Sparkle.Grains.Tenants;

/// <summary>One tenant: its name, SIP domains, policies and the list of its users' numbers.
/// Key: the tenant id.</summary>
public interface ITenantGrain : IGrainWithGuidKey
{
    /// <summary>Creates the tenant (platform operator or seeding). Registers its name and domains.</summary>
    Task<TenantInfo> CreateAsync(Caller caller, string name, IReadOnlyList<string> sipDomains, TenantPolicies policies);
    Task<TenantInfo> GetAsync(Caller caller);
    /// <summary>Deletes the tenant (platform operator): its recording keys are destroyed first (crypto-shredding),
    /// its meetings end, its name and SIP domains are freed, and every caller of it gets "not found".</summary>
    Task DeleteAsync(Caller caller);
    Task<TenantInfo> UpdatePoliciesAsync(Caller caller, TenantPolicies policies);
    /// <summary>A new recording key version for new recordings; with <paramref name="forgetOld"/> every older
    /// version is destroyed and the recordings it protected can never be played again (owner only).</summary>
    Task RotateRecordingKeyAsync(Caller caller, bool forgetOld);

    Task<UserInfo> AddUserAsync(Caller caller, UserSpec user);
    /// <summary>Adds many users in one write of the tenant, all or none (imports).</summary>
    Task<IReadOnlyList<UserInfo>> AddUsersAsync(Caller caller, IReadOnlyList<UserSpec> users);
    /// <summary>The users of these numbers that exist, in the order asked (the details of a list page).</summary>
    Task<IReadOnlyList<UserInfo>> GetUsersAsync(Caller caller, IReadOnlyList<string> numbers);
    Task RemoveUserAsync(Caller caller, string number);
    Task<IReadOnlyList<UserInfo>> ListUsersAsync(Caller caller);
    Task<UserInfo> SetUserRoleAsync(Caller caller, string number, Role role);
    /// <summary>Sets a user's web-console password (owners and managers, for users up to their own role) and
    /// ends that user's console sessions.</summary>
    Task SetUserPasswordAsync(Caller caller, string number, string password);

    /// <summary>The tenant's branding (members of the tenant).</summary>
    Task<TenantBranding> GetBrandingAsync(Caller caller);
    /// <summary>Replaces the tenant's branding (owners).</summary>
    Task<TenantBranding> SetBrandingAsync(Caller caller, TenantBranding branding);
    /// <summary>The branding for the anonymous sign-in page: the platform default when the tenant does not
    /// exist, so the answer never tells whether it does.</summary>
    Task<TenantBranding> GetPublicBrandingAsync();

    /// <summary>The current tenant role of a user, or null when the number is not a user of this tenant.
    /// Used by every grain to authorise callers.</summary>
    Task<Role?> GetRoleAsync(string number);
}

/// <summary>Platform-wide index: SIP domain and tenant name to tenant id. Key: 0.</summary>
public interface ITenantRegistryGrain : IGrainWithIntegerKey
{
    Task RegisterAsync(Guid tenantId, string name, IReadOnlyList<string> sipDomains);
    /// <summary>Frees every name and SIP domain the tenant holds.</summary>
    Task UnregisterAsync(Guid tenantId);
    Task<Guid?> FindByDomainAsync(string sipDomain);
    Task<Guid?> FindByNameAsync(string name);
    Task<IReadOnlyList<Guid>> ListAsync();
}

/// <summary>One user of one tenant. Key: <see cref="UserKey.For"/>.</summary>
public interface IUserGrain : IGrainWithStringKey
{
    Task<UserInfo?> GetAsync(Caller caller);
    /// <summary>Digest credentials for the SIP gateway (System callers of the same tenant only).</summary>
    Task<DigestCredentials?> GetDigestCredentialsAsync(Caller caller);

    /// <summary>Checks a web-console password (System callers of the same tenant: the API host's sign-in).
    /// Returns the user's current role, or null for a wrong password or an unknown user; both cost the same
    /// PBKDF2 work.</summary>
    Task<Role?> VerifyConsolePasswordAsync(Caller caller, string password);

    /// <summary>The signed-in user changes their own console password; a wrong current password is
    /// INVALID_PASSWORD. Ends the user's console sessions except <paramref name="keepSession"/>.</summary>
    Task ChangeConsolePasswordAsync(Caller caller, string currentPassword, string newPassword, Guid? keepSession);
}

public static class UserKey
{
    public static string For(Guid tenantId, string number) => $"{tenantId:N}/{number}";
}
