using Sparkle.Grains.Identity;
using Sparkle.Grains.Security;
using Sparkle.Grains.Tenants;

namespace Sparkle.Grains.Meetings.Signalling;

/// <summary>Who may have the meeting dial which number. Internal numbers (users of the tenant) are always allowed; external
/// ones need the DialOutExternal right, the tenant's minimum role and one of its number patterns. The platform itself
/// (a scheduled start, a plan) may dial anything the plan lists.</summary>
internal static class DialOutPolicy
{
    public static bool Allows(Grant grant, bool numberIsTenantUser, TenantPolicies policies, string number)
    {
        if (grant.IsSystem || numberIsTenantUser)
        {
            return true;
        }

        if (grant.EffectiveRole is not { } effective || !Permissions.Allows(effective, Operation.DialOutExternal)
            || grant.TenantRole is not { } tenantRole || tenantRole < policies.DialOutMinimumRole)
        {
            return false;
        }

        return DialOutPatterns.Allow(number, policies.DialOutPatterns);
    }
}
