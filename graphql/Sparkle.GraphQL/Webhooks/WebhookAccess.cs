using GraphQL;
using Sparkle.Grains.Identity;
using Sparkle.Grains.Tenants;
using Sparkle.GraphQL.Schema;

namespace Sparkle.GraphQL.Webhooks;

/// <summary>Webhooks live in the API host's tables, not in a grain, so the check happens here, against the
/// one permission matrix with the role the tenant grain resolves now: the tenant's owners manage them.</summary>
internal static class WebhookAccess
{
    public const Operation Required = Operation.ManageTenantPolicies;

    public static async Task<Caller> RequireAsync(IResolveFieldContext ctx)
    {
        var caller = ctx.Caller();
        if (caller.Kind != CallerKind.User || caller.UserNumber is null)
        {
            throw ResolveContextExtensions.Forbidden("Webhooks are managed by the tenant's owners.");
        }
        var role = await ctx.Grains().GetGrain<ITenantGrain>(caller.TenantId).GetRoleAsync(caller.UserNumber);
        if (role is not { } current || !Permissions.Allows(current, Required))
        {
            throw ResolveContextExtensions.Forbidden("Webhooks are managed by the tenant's owners.");
        }
        return caller;
    }
}
