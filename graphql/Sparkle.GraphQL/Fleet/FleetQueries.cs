using GraphQL.Types;
using Sparkle.Grains.Gateway;
using Sparkle.Grains.Media;
using Sparkle.GraphQL.Schema;

namespace Sparkle.GraphQL.Fleet;

/// <summary>The operator's view of the platform's processes, from the registries' last heartbeats.</summary>
public static class FleetQueries
{
    public static void AddTo(ObjectGraphType query)
    {
        query.Field<NonNullGraphType<ListGraphType<NonNullGraphType<MediaWorkerType>>>>("mediaWorkers")
            .Description("Registered media workers by id, with their last heartbeat's figures (platform operator only).")
            .ResolveAsync(async ctx =>
            {
                FleetAccess.DemandOperator(ctx);
                return await ctx.Grains().GetGrain<IMediaWorkerRegistryGrain>(0).ListAsync();
            });
        query.Field<NonNullGraphType<ListGraphType<NonNullGraphType<SipGatewayType>>>>("sipGateways")
            .Description("Registered SIP gateways by id, with their last heartbeat's figures (platform operator only).")
            .ResolveAsync(async ctx =>
            {
                FleetAccess.DemandOperator(ctx);
                return await ctx.Grains().GetGrain<IGatewayRegistryGrain>(0).ListAsync();
            });
    }
}
