using GraphQL;
using GraphQL.Types;
using Sparkle.Grains.Tenants;
using Sparkle.GraphQL.Schema;

namespace Sparkle.GraphQL.Identity;

public sealed class MeType : ObjectGraphType<MeInfo>
{
    public MeType()
    {
        Name = "Me";
        Description = "The caller, as identified by its token.";
        Field<IdGraphType>("tenantId").Description("The caller's tenant (null for the SaaS operator).")
            .Resolve(ctx => ctx.Source.Caller.TenantId == Guid.Empty ? null : ctx.Source.Caller.TenantId);
        Field<StringGraphType>("userNumber").Description("The user's number (SIP extension); null for sync jobs and the operator.")
            .Resolve(ctx => ctx.Source.Caller.UserNumber);
        Field<RoleType>("role").Description("The user's current tenant role, as the grains resolve it now.")
            .Resolve(ctx => ctx.Source.Role);
        Field<NonNullGraphType<CallerKindType>>("kind").Resolve(ctx => ctx.Source.Caller.Kind);
        Field<StringGraphType>("displayName").ResolveAsync(async ctx =>
        {
            var caller = ctx.Source.Caller;
            if (caller.UserNumber is null)
            {
                return null;
            }
            var user = await ctx.Grains().GetGrain<IUserGrain>(UserKey.For(caller.TenantId, caller.UserNumber)).GetAsync(caller);
            return user?.DisplayName;
        });
    }
}
