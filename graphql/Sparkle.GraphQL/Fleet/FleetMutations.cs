using GraphQL;
using GraphQL.Types;
using Sparkle.Grains.Media;
using Sparkle.GraphQL.Schema;

namespace Sparkle.GraphQL.Fleet;

/// <summary>The operator's control of the media workers: a drain stops new meetings going to a worker (the
/// registry refuses to drain the last live worker taking meetings: LAST_WORKER) and moves the meetings already on it
/// off by the meeting grain's re-home path (a re-INVITE per call), at the pace the operator asks.</summary>
public static class FleetMutations
{
    /// <summary>Legs of a meeting a drain moves per second when the operator does not say.</summary>
    private const int DefaultDrainPace = 5;

    public static void AddTo(ObjectGraphType mutation)
    {
        mutation.Field<NonNullGraphType<MediaWorkerType>>("drainMediaWorker")
            .Description("Stops placing new meetings on the worker and moves its calls to other workers, legsPerSecond legs of a meeting per second (default 5), with no call dropped; then the worker can be stopped (platform operator only). Refused with LAST_WORKER when no other live worker would take meetings; NOT_FOUND for a worker not registered.")
            .Argument<NonNullGraphType<IdGraphType>>("id")
            .Argument<IntGraphType>("legsPerSecond", "How many legs of each meeting move per second (1 to 1000; default 5).")
            .ResolveAsync(ctx => SetDrainingAsync(ctx, true));
        mutation.Field<NonNullGraphType<MediaWorkerType>>("undrainMediaWorker")
            .Description("Puts a draining worker back in service: it takes new meetings again (platform operator only).")
            .Argument<NonNullGraphType<IdGraphType>>("id")
            .ResolveAsync(ctx => SetDrainingAsync(ctx, false));
    }

    private static async Task<object?> SetDrainingAsync(IResolveFieldContext ctx, bool draining)
    {
        FleetAccess.DemandOperator(ctx);
        var pace = ctx.GetArgument<int?>("legsPerSecond") ?? DefaultDrainPace;
        if (pace is < 1 or > 1000)
        {
            throw new ExecutionError("legsPerSecond must be between 1 and 1000.") { Code = Transport.ErrorCodes.BadUserInput };
        }

        return await ctx.Grains().GetGrain<IMediaWorkerRegistryGrain>(0).SetDrainingAsync(ctx.GetArgument<string>("id"), draining, pace);
    }
}
