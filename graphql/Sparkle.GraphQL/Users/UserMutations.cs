using GraphQL;
using GraphQL.Types;
using Sparkle.Grains.Identity;
using Sparkle.Grains.Tenants;
using Sparkle.GraphQL.Identity;
using Sparkle.GraphQL.Schema;

namespace Sparkle.GraphQL.Users;

public static class UserMutations
{
    public static void AddTo(ObjectGraphType mutation)
    {
        mutation.Field<NonNullGraphType<UserType>>("addUser")
            .Argument<NonNullGraphType<AddUserInputType>>("input")
            .ResolveAsync(async ctx =>
            {
                var caller = ctx.Caller();
                return await ctx.Grains().GetGrain<ITenantGrain>(caller.TenantId).AddUserAsync(caller, ctx.GetArgument<UserSpec>("input"));
            });

        mutation.Field<NonNullGraphType<BooleanGraphType>>("removeUser")
            .Argument<NonNullGraphType<StringGraphType>>("number")
            .ResolveAsync(async ctx =>
            {
                var caller = ctx.Caller();
                await ctx.Grains().GetGrain<ITenantGrain>(caller.TenantId).RemoveUserAsync(caller, ctx.GetArgument<string>("number"));
                return true;
            });

        mutation.Field<NonNullGraphType<UserType>>("setUserRole")
            .Description("Changes a user's tenant role; it applies at once, even in running meetings.")
            .Argument<NonNullGraphType<StringGraphType>>("number")
            .Argument<NonNullGraphType<RoleType>>("role")
            .ResolveAsync(async ctx =>
            {
                var caller = ctx.Caller();
                return await ctx.Grains().GetGrain<ITenantGrain>(caller.TenantId)
                    .SetUserRoleAsync(caller, ctx.GetArgument<string>("number"), ctx.GetArgument<Role>("role"));
            });
    }
}
