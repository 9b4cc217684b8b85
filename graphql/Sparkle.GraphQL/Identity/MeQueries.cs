using GraphQL;
using GraphQL.Types;
using Sparkle.Grains.Identity;
using Sparkle.Grains.Tenants;
using Sparkle.GraphQL.Schema;

namespace Sparkle.GraphQL.Identity;

public static class MeQueries
{
    public static void AddTo(ObjectGraphType query)
    {
        query.Field<NonNullGraphType<MeType>>("me")
            .Description("The caller: tenant, user number and current role.")
            .ResolveAsync(async ctx =>
            {
                var caller = ctx.Caller();
                Role? role = null;
                if (caller.Kind == CallerKind.User)
                {
                    role = await ctx.Grains().GetGrain<ITenantGrain>(caller.TenantId).GetRoleAsync(caller.UserNumber!)
                        ?? throw new ExecutionError("This token's user no longer exists in its tenant.") { Code = Transport.ErrorCodes.Unauthenticated };
                }
                return new MeInfo(caller, role);
            });
    }
}
