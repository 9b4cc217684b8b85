using GraphQL;
using GraphQL.Types;
using Sparkle.Grains.Identity;
using Sparkle.Grains.Listings;
using Sparkle.Grains.Usage;
using Sparkle.GraphQL.Paging;
using Sparkle.GraphQL.Schema;

namespace Sparkle.GraphQL.Usage;

/// <summary>Usage records and per-day figures. Rights are the usage grain's (owners and managers their tenant, the operator
/// any); the resolver only picks the tenant: the caller's own when omitted.</summary>
public static class UsageQueries
{
    public const string List = "usage-legs";
    public const string Order = "started";

    public static void AddTo(ObjectGraphType query)
    {
        query.Field<NonNullGraphType<ConnectionGraphType<UsageRecordType, LegUsageRecord>>>("usageRecords")
            .Description("Call legs that started in [from, to), oldest first, one page (tenant owners and managers; the platform operator any tenant, "
                + "or every tenant when tenantId is omitted). Another tenant is NOT_FOUND.")
            .Argument<IdGraphType>("tenantId", "The caller's tenant when omitted.")
            .Argument<NonNullGraphType<DateTimeOffsetGraphType>>("from")
            .Argument<NonNullGraphType<DateTimeOffsetGraphType>>("to")
            .PagingArguments()
            .ResolveAsync(async ctx =>
            {
                var caller = ctx.Caller();
                var first = Pager.First(ctx);
                var after = Pager.After(ctx, List, Order);
                var page = await Grain(ctx, caller).ListLegsAsync(caller, ctx.GetArgument<DateTimeOffset>("from"), ctx.GetArgument<DateTimeOffset>("to"), first, after);
                return ToConnection(page);
            });

        query.Field<NonNullGraphType<ListGraphType<NonNullGraphType<TenantDayUsageType>>>>("tenantUsage")
            .Description("The tenant's usage per UTC day from `from` to `to` inclusive (at most 366 days; days without use are zeros). "
                + "Tenant owners and managers; the platform operator names the tenant. Another tenant is NOT_FOUND.")
            .Argument<IdGraphType>("tenantId", "The caller's tenant when omitted.")
            .Argument<NonNullGraphType<DateOnlyGraphType>>("from")
            .Argument<NonNullGraphType<DateOnlyGraphType>>("to")
            .ResolveAsync(async ctx =>
            {
                var caller = ctx.Caller();
                return await Grain(ctx, caller).DailyAsync(caller, ctx.GetArgument<DateOnly>("from"), ctx.GetArgument<DateOnly>("to"));
            });
    }

    /// <summary>The named tenant, else the caller's (the operator's own is "every tenant").</summary>
    private static IUsageGrain Grain(IResolveFieldContext ctx, Caller caller) =>
        ctx.Grains().GetGrain<IUsageGrain>(ctx.GetArgument<Guid?>("tenantId") ?? caller.TenantId);

    public static Connection<LegUsageRecord> ToConnection(LegUsagePage page)
    {
        var edges = page.Items.Select((leg, i) => new Edge<LegUsageRecord>(ListingCursor.Encode(List, Order, page.Positions[i]), leg)).ToList();
        return new Connection<LegUsageRecord>(edges, page.HasNextPage, edges.Count == 0 ? null : edges[^1].Cursor, page.TotalCount);
    }
}
