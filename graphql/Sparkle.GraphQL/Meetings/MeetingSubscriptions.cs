using GraphQL;
using GraphQL.Types;
using Sparkle.Grains.Meetings;
using Sparkle.GraphQL.Schema;

namespace Sparkle.GraphQL.Meetings;

public static class MeetingSubscriptions
{
    public static void AddTo(ObjectGraphType subscription)
    {
        subscription.Field<NonNullGraphType<MeetingEventType>>("meetingEvents")
            .Description("The meeting's changes as they happen (participants dialled, joined, muted, layout...).")
            .Argument<NonNullGraphType<IdGraphType>>("meetingId")
            .Argument<LongGraphType>("afterVersion", a => a.Description = "Replay the events after this version first (still in the meeting's bounded log).")
            .ResolveStreamAsync(async ctx =>
            {
                var caller = ctx.Caller();
                var meetingId = ctx.GetArgument<Guid>("meetingId");
                var grains = ctx.Grains();
                // Authorise now, so a refusal is the subscribe operation's error rather than a broken stream.
                _ = await grains.GetGrain<IMeetingGrain>(meetingId).GetAsync(caller)
                    ?? throw ResolveContextExtensions.NotFound($"No meeting {meetingId}.");
                var logger = ctx.Service<ILoggerFactory>().CreateLogger<MeetingEventFeed>();
                return new MeetingEventFeed(grains, meetingId, caller, ctx.GetArgument<long?>("afterVersion"), logger);
            });
    }
}
