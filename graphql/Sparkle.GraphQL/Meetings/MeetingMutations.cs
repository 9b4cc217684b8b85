using GraphQL;
using GraphQL.Types;
using Sparkle.Grains.Meetings;
using Sparkle.Grains.Plans;
using Sparkle.GraphQL.Schema;
using Sparkle.GraphQL.Webhooks;

namespace Sparkle.GraphQL.Meetings;

public static class MeetingMutations
{
    public static void AddTo(ObjectGraphType mutation)
    {
        mutation.Field<NonNullGraphType<MeetingType>>("createMeeting")
            .Description("Creates a meeting (scheduled or to start later) from a plan or ad hoc. It is kept until deleted.")
            .Argument<NonNullGraphType<CreateMeetingInputType>>("input")
            .ResolveAsync(async ctx =>
            {
                var caller = ctx.Caller();
                var spec = await MeetingSpecFactory.FromInputAsync(ctx, caller, ctx.GetArgument<IDictionary<string, object?>>("input"));
                var created = await ctx.Grains().GetGrain<IMeetingGrain>(Guid.NewGuid()).CreateAsync(caller, spec);
                ctx.Service<MeetingWebhookWatcher>().Hint(created.TenantId, created.Id);
                return created;
            });

        mutation.Field<NonNullGraphType<MeetingType>>("startMeeting")
            .Description("One click: creates a meeting from the plan (or takes an existing meeting) and dials every participant in parallel. Returns at once; progress comes through meetingEvents.")
            .Argument<IdGraphType>("planId")
            .Argument<IdGraphType>("meetingId")
            .ResolveAsync(async ctx =>
            {
                var caller = ctx.Caller();
                var grains = ctx.Grains();
                var planId = ctx.GetArgument<Guid?>("planId");
                var meetingId = ctx.GetArgument<Guid?>("meetingId");
                if ((planId is null) == (meetingId is null))
                {
                    throw ResolveContextExtensions.BadInput("Give either planId or meetingId.");
                }
                var meeting = grains.GetGrain<IMeetingGrain>(meetingId ?? Guid.NewGuid());
                if (planId is { } id)
                {
                    var plan = await grains.GetGrain<IMeetingPlanGrain>(id).GetAsync(caller)
                        ?? throw ResolveContextExtensions.NotFound($"No meeting plan {id}.");
                    var created = await meeting.CreateAsync(caller, MeetingSpecFactory.FromPlan(plan.Spec with { ScheduledStart = null }, id));
                    ctx.Service<MeetingWebhookWatcher>().Hint(created.TenantId, created.Id);
                }
                return await meeting.StartAsync(caller);
            });

        mutation.Field<NonNullGraphType<MeetingType>>("endMeeting")
            .Description("Ends the meeting and hangs up everyone; the meeting is kept.")
            .Argument<NonNullGraphType<IdGraphType>>("id")
            .ResolveAsync(async ctx =>
            {
                var caller = ctx.Caller();
                var meeting = ctx.Grains().GetGrain<IMeetingGrain>(ctx.GetArgument<Guid>("id"));
                await meeting.EndAsync(caller);
                return await meeting.GetAsync(caller);
            });

        mutation.Field<NonNullGraphType<BooleanGraphType>>("deleteMeeting")
            .Description("Deletes a meeting for good (managers and owners).")
            .Argument<NonNullGraphType<IdGraphType>>("id")
            .ResolveAsync(async ctx =>
            {
                var caller = ctx.Caller();
                await ctx.Grains().GetGrain<IMeetingGrain>(ctx.GetArgument<Guid>("id")).DeleteAsync(caller);
                return true;
            });
    }
}
