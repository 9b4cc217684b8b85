using Sparkle.Grains.Tenants;

namespace Sparkle.Grains.Internal;

/// <summary>Silo-internal face of the tenant grain: user look-ups for the user grains (no caller: the
/// calling grain has already authorised its own caller). Key: the tenant id.</summary>
public interface ITenantUsersGrain : IGrainWithGuidKey
{
    Task<UserInfo?> FindUserAsync(string number);
    /// <summary>The tenant's info without a caller check, for grains acting inside the tenant.</summary>
    Task<TenantInfo?> FindTenantAsync();
}
