using GraphQL;
using GraphQL.Types;
using Sparkle.Grains.Identity;
using Sparkle.Grains.Listings;
using Sparkle.Grains.Tenants;
using Sparkle.GraphQL.Identity;
using Sparkle.GraphQL.Paging;
using Sparkle.GraphQL.Schema;

namespace Sparkle.GraphQL.Users;

public static class UserQueries
{
    private const string List = "users";

    public static void AddTo(ObjectGraphType query)
    {
        query.Field<NonNullGraphType<ConnectionGraphType<UserType, UserInfo>>>("users")
            .Description("The tenant's users and their roles, one page (read from the listing index by keyset).")
            .PagingArguments()
            .Argument<StringGraphType>("search", a => a.Description = "Only users whose number or name contains this text (case-insensitive).")
            .Argument<RoleType>("role", a => a.Description = "Only users with this tenant role.")
            .Argument<UserOrderType>("orderBy", a => a.DefaultValue = UserOrder.NumberAsc)
            .ResolveAsync(async ctx =>
            {
                var caller = ctx.Caller();
                var grains = ctx.Grains();
                var first = Pager.First(ctx);
                var order = ctx.GetArgument("orderBy", UserOrder.NumberAsc);
                var after = Pager.After(ctx, List, order.ToString());
                var query = new UserListQuery(ctx.GetArgument<string?>("search"), ctx.GetArgument<Role?>("role"), order);
                var page = await grains.GetGrain<IListingGrain>(caller.TenantId).ListUsersAsync(caller, query, first, after);
                var found = page.Items.Count == 0
                    ? []
                    : await grains.GetGrain<ITenantGrain>(caller.TenantId).GetUsersAsync(caller, page.Items.Select(i => i.Id).ToList());
                var byNumber = found.ToDictionary(u => u.Number, StringComparer.Ordinal);
                return Pager.FromPage(List, order.ToString(), page, page.Items.Select(i => byNumber.GetValueOrDefault(i.Id)).ToList());
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
