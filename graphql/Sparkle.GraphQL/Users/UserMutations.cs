using GraphQL;
using GraphQL.Types;
using Sparkle.Grains.Identity;
using Sparkle.Grains.Tenants;
using Sparkle.GraphQL.Identity;
using Sparkle.GraphQL.Schema;
using Sparkle.GraphQL.Transport;

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

        mutation.Field<NonNullGraphType<BooleanGraphType>>("changePassword")
            .Description("The signed-in user changes their web-console password (INVALID_PASSWORD when the current one is wrong, "
                + "PASSWORD_TOO_WEAK under 8 characters). Ends the user's other console sessions.")
            .Argument<NonNullGraphType<StringGraphType>>("currentPassword")
            .Argument<NonNullGraphType<StringGraphType>>("newPassword")
            .ResolveAsync(async ctx =>
            {
                var caller = ctx.Caller();
                if (caller.Kind != CallerKind.User || caller.UserNumber is null)
                {
                    throw ResolveContextExtensions.Forbidden("Only a signed-in user changes their own password.");
                }
                var session = (ctx.UserContext as SparkleUserContext)?.Principal?.FindFirst(LocalTokenIssuer.SessionClaim)?.Value;
                await ctx.Grains().GetGrain<IUserGrain>(UserKey.For(caller.TenantId, caller.UserNumber)).ChangeConsolePasswordAsync(
                    caller, ctx.GetArgument<string>("currentPassword"), ctx.GetArgument<string>("newPassword"),
                    Guid.TryParse(session, out var sid) ? sid : null);
                return true;
            });

        mutation.Field<NonNullGraphType<BooleanGraphType>>("setUserPassword")
            .Description("Sets a user's web-console password (owners and managers, for users up to their own role) and ends "
                + "that user's console sessions.")
            .Argument<NonNullGraphType<StringGraphType>>("number")
            .Argument<NonNullGraphType<StringGraphType>>("password")
            .ResolveAsync(async ctx =>
            {
                var caller = ctx.Caller();
                await ctx.Grains().GetGrain<ITenantGrain>(caller.TenantId)
                    .SetUserPasswordAsync(caller, ctx.GetArgument<string>("number"), ctx.GetArgument<string>("password"));
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
