using GraphQL;
using GraphQL.Types;
using Sparkle.Grains.Plans;
using Sparkle.GraphQL.Schema;

namespace Sparkle.GraphQL.Plans;

public static class PlanQueries
{
    public static void AddTo(ObjectGraphType query)
    {
        query.Field<NonNullGraphType<ListGraphType<NonNullGraphType<MeetingPlanType>>>>("meetingPlans")
            .Description("The caller's plans (all the tenant's plans for managers and owners).")
            .ResolveAsync(async ctx =>
            {
                var caller = ctx.Caller();
                var grains = ctx.Grains();
                var ids = await grains.GetGrain<ITenantCatalogGrain>(caller.TenantId).ListPlansAsync(caller);
                var plans = await Task.WhenAll(ids.Select(id => grains.GetGrain<IMeetingPlanGrain>(id).GetAsync(caller)));
                return plans.OfType<MeetingPlanInfo>().OrderBy(p => p.CreatedAt).ToList();
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
