using GraphQL;
using GraphQL.Types;
using Sparkle.Grains.Plans;
using Sparkle.GraphQL.Schema;

namespace Sparkle.GraphQL.Plans;

public static class PlanMutations
{
    public static void AddTo(ObjectGraphType mutation)
    {
        mutation.Field<NonNullGraphType<MeetingPlanType>>("createMeetingPlan")
            .Argument<NonNullGraphType<CreateMeetingPlanInputType>>("input")
            .ResolveAsync(async ctx =>
            {
                var caller = ctx.Caller();
                var input = ctx.GetArgument<IDictionary<string, object?>>("input");
                var spec = await PlanSpecMerger.MergeAsync(ctx, caller, new MeetingPlanSpec("", []), input);
                return await ctx.Grains().GetGrain<IMeetingPlanGrain>(Guid.NewGuid()).CreateAsync(caller, spec);
            });

        mutation.Field<NonNullGraphType<MeetingPlanType>>("updateMeetingPlan")
            .Argument<NonNullGraphType<UpdateMeetingPlanInputType>>("input")
            .ResolveAsync(async ctx =>
            {
                var caller = ctx.Caller();
                var input = ctx.GetArgument<IDictionary<string, object?>>("input");
                var id = input.Guid("id");
                var plan = ctx.Grains().GetGrain<IMeetingPlanGrain>(id);
                var current = await plan.GetAsync(caller) ?? throw ResolveContextExtensions.NotFound($"No meeting plan {id}.");
                var spec = await PlanSpecMerger.MergeAsync(ctx, caller, current.Spec, input);
                return await plan.UpdateAsync(caller, spec);
            });

        mutation.Field<NonNullGraphType<BooleanGraphType>>("deleteMeetingPlan")
            .Argument<NonNullGraphType<IdGraphType>>("id")
            .ResolveAsync(async ctx =>
            {
                var caller = ctx.Caller();
                await ctx.Grains().GetGrain<IMeetingPlanGrain>(ctx.GetArgument<Guid>("id")).DeleteAsync(caller);
                return true;
            });

        mutation.Field<NonNullGraphType<ListGraphType<NonNullGraphType<MeetingPlanType>>>>("shareMeetingPlan")
            .Description("Gives each operator (user number) an independent copy of the plan; returns the copies.")
            .Argument<NonNullGraphType<IdGraphType>>("planId")
            .Argument<NonNullGraphType<ListGraphType<NonNullGraphType<StringGraphType>>>>("operatorNumbers")
            .ResolveAsync(async ctx =>
            {
                var caller = ctx.Caller();
                var numbers = ctx.GetArgument<List<string>>("operatorNumbers");
                return await ctx.Grains().GetGrain<IMeetingPlanGrain>(ctx.GetArgument<Guid>("planId")).ShareAsync(caller, numbers);
            });
    }
}
