using GraphQL;
using Sparkle.Grains.Identity;
using Sparkle.Grains.Meetings;
using Sparkle.Grains.Plans;
using Sparkle.GraphQL.Plans;
using Sparkle.GraphQL.Schema;

namespace Sparkle.GraphQL.Meetings;

/// <summary>Builds a meeting spec from a plan and/or the fields of a CreateMeetingInput.</summary>
internal static class MeetingSpecFactory
{
    public static async Task<MeetingSpec> FromInputAsync(IResolveFieldContext ctx, Caller caller, IDictionary<string, object?> input)
    {
        Guid? planId = input.IdText("planId") is not null ? input.Guid("planId") : null;
        var baseSpec = new MeetingPlanSpec("", []);
        if (planId is { } id)
        {
            var plan = await ctx.Grains().GetGrain<IMeetingPlanGrain>(id).GetAsync(caller)
                ?? throw ResolveContextExtensions.NotFound($"No meeting plan {id}.");
            baseSpec = plan.Spec;
        }
        var spec = await PlanSpecMerger.MergeAsync(ctx, caller, baseSpec, input);
        return FromPlan(spec, planId) with
        {
            RecordingListeners = input.Has("recordingListeners") ? input.List<string>("recordingListeners") : null,
        };
    }

    public static MeetingSpec FromPlan(MeetingPlanSpec spec, Guid? planId) =>
        new(spec.Title, spec.Participants, spec.Layout, spec.LayoutMode, spec.Recording, spec.Pin, spec.ScheduledStart, planId);
}
