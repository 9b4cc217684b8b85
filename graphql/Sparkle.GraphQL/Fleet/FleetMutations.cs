using GraphQL;
using GraphQL.Types;
using Sparkle.Grains.Media;
using Sparkle.GraphQL.Schema;

namespace Sparkle.GraphQL.Fleet;

/// <summary>The operator's control of the media workers: a drain stops new meetings going to a worker (the
/// registry refuses to drain the last live worker taking meetings: LAST_WORKER). Meetings already on it move
/// by the meeting grain's re-home path.</summary>
public static class FleetMutations
{
    public static void AddTo(ObjectGraphType mutation)
    {
        mutation.Field<NonNullGraphType<MediaWorkerType>>("drainMediaWorker")
            .Description("Stops placing new meetings on the worker (platform operator only). Refused with LAST_WORKER when no other live worker would take meetings; NOT_FOUND for a worker not registered.")
            .Argument<NonNullGraphType<IdGraphType>>("id")
            .ResolveAsync(ctx => SetDrainingAsync(ctx, true));
        mutation.Field<NonNullGraphType<MediaWorkerType>>("undrainMediaWorker")
            .Description("Puts a draining worker back in service: it takes new meetings again (platform operator only).")
            .Argument<NonNullGraphType<IdGraphType>>("id")
            .ResolveAsync(ctx => SetDrainingAsync(ctx, false));
    }

    private static async Task<object?> SetDrainingAsync(IResolveFieldContext ctx, bool draining)
    {
        FleetAccess.DemandOperator(ctx);
        return await ctx.Grains().GetGrain<IMediaWorkerRegistryGrain>(0).SetDrainingAsync(ctx.GetArgument<string>("id"), draining);
    }
}
