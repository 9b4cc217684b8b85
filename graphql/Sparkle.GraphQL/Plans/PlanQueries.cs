using GraphQL;
using GraphQL.Types;
using Sparkle.Grains.Listings;
using Sparkle.Grains.Plans;
using Sparkle.GraphQL.Paging;
using Sparkle.GraphQL.Schema;

namespace Sparkle.GraphQL.Plans;

public static class PlanQueries
{
    private const string List = "meetingPlans";
    private const string Order = "created_asc";

    public static void AddTo(ObjectGraphType query)
    {
        query.Field<NonNullGraphType<ConnectionGraphType<MeetingPlanType, MeetingPlanInfo>>>("meetingPlans")
            .Description("The caller's plans (all the tenant's plans for managers and owners), oldest first, one page. "
                + "Paged from the catalog's whole list (plans are not in the listing index yet).")
            .PagingArguments()
            .Argument<StringGraphType>("search", a => a.Description = "Only plans whose title contains this text (case-insensitive).")
            .ResolveAsync(async ctx =>
            {
                var caller = ctx.Caller();
                var grains = ctx.Grains();
                var first = Pager.First(ctx);
                var after = Pager.After(ctx, List, Order);
                var search = ctx.GetArgument<string?>("search");
                var ids = await grains.GetGrain<ITenantCatalogGrain>(caller.TenantId).ListPlansAsync(caller);
                var plans = await Task.WhenAll(ids.Select(id => grains.GetGrain<IMeetingPlanGrain>(id).GetAsync(caller)));
                var matching = plans.OfType<MeetingPlanInfo>()
                    .Where(p => string.IsNullOrEmpty(search) || p.Spec.Title.Contains(search, StringComparison.OrdinalIgnoreCase));
                return Pager.InMemory(List, Order, matching, p => new ListingPosition(Pager.TimeKey(p.CreatedAt), p.Id.ToString("D")), first, after);
            });

        query.Field<MeetingPlanType>("meetingPlan")
            .Argument<NonNullGraphType<IdGraphType>>("id")
            .ResolveAsync(async ctx =>
            {
                var caller = ctx.Caller();
                return await ctx.Grains().GetGrain<IMeetingPlanGrain>(ctx.GetArgument<Guid>("id")).GetAsync(caller);
            });
    }
}
