using Sparkle.Grains.Identity;
using Sparkle.Grains.Security;

namespace Sparkle.Grains.Listings;

/// <summary>Which meetings of a tenant a caller may list: the one rule both the catalog's list and the
/// listing index's pages apply.</summary>
internal static class MeetingAudience
{
    /// <summary>Null: every meeting (managers and platform components); otherwise the number whose owned and
    /// invited meetings are listed ("" for callers without one, who then see none).</summary>
    public static async Task<(bool All, string Number)> OfAsync(IGrainFactory grains, Guid tenantId, Caller caller)
    {
        var grant = await Access.DemandAsync(grains, tenantId, caller, Operation.ViewMeeting);
        var all = grant.IsSystem || (grant.EffectiveRole is { } role && Permissions.Allows(role, Operation.DeleteMeeting));
        return (all, caller.UserNumber ?? "");
    }
}
