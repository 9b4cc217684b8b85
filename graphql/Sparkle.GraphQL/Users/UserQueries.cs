using GraphQL;
using GraphQL.Types;
using Sparkle.Grains.Tenants;
using Sparkle.GraphQL.Schema;

namespace Sparkle.GraphQL.Users;

public static class UserQueries
{
    public static void AddTo(ObjectGraphType query)
    {
        query.Field<NonNullGraphType<ListGraphType<NonNullGraphType<UserType>>>>("users")
            .Description("The tenant's users and their roles.")
            .ResolveAsync(async ctx =>
            {
                var caller = ctx.Caller();
                return await ctx.Grains().GetGrain<ITenantGrain>(caller.TenantId).ListUsersAsync(caller);
            });

        query.Field<UserType>("user")
            .Argument<NonNullGraphType<StringGraphType>>("number")
            .ResolveAsync(async ctx =>
            {
                var caller = ctx.Caller();
                return await ctx.Grains().GetGrain<IUserGrain>(UserKey.For(caller.TenantId, ctx.GetArgument<string>("number"))).GetAsync(caller);
            });
    }
}
