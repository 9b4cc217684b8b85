using GraphQL;
using Sparkle.Grains.Identity;
using Sparkle.Grains.Tenants;
using Sparkle.GraphQL.Schema;

namespace Sparkle.GraphQL.Fleet;

/// <summary>Who sees the fleet. The registries take no caller (as the tenant registry): the API gates here.</summary>
public static class FleetAccess
{
    /// <summary>The fleet lists are the platform operator's only; a tenant user, even an owner, is refused.</summary>
    public static void DemandOperator(IResolveFieldContext ctx)
    {
        if (ctx.Caller().Kind != CallerKind.PlatformOperator)
        {
            throw ResolveContextExtensions.Forbidden("Only the platform operator sees the media workers and SIP gateways.");
        }
    }

    /// <summary>A meeting's placement: the operator, and managers and owners of the meeting's tenant.</summary>
    public static async Task<bool> MaySeePlacementAsync(IResolveFieldContext ctx, Guid tenantId)
    {
        var caller = ctx.Caller();
        if (caller.Kind == CallerKind.PlatformOperator)
        {
            return true;
        }

        if (caller.Kind != CallerKind.User || caller.TenantId != tenantId || caller.UserNumber is not { } number)
        {
            return false;
        }

        return await ctx.Grains().GetGrain<ITenantGrain>(tenantId).GetRoleAsync(number) is { } role && role >= Role.Manager;
    }
}
