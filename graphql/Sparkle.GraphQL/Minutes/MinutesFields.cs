using GraphQL.Types;
using Sparkle.Grains.Meetings;
using Sparkle.Grains.Minutes;
using Sparkle.GraphQL.Schema;

namespace Sparkle.GraphQL.Minutes;

/// <summary>Meeting.minutes (the minutes grain decides who reads them).</summary>
public static class MinutesFields
{
    public static void AddTo(ObjectGraphType<MeetingSnapshot> meeting)
    {
        meeting.Field<NonNullGraphType<MinutesType>>("minutes")
            .Description("Automatic minutes (plans with recording.minutes, which also records per utterance). An error for meetings that take none. "
                + "Readers: the meeting's owner and chairs, its minutes editor, tenant owners and managers, and its participants when the tenant's participantsReadMinutes allows.")
            .ResolveAsync(async ctx => await ctx.Grains().GetGrain<IMinutesGrain>(ctx.Source.Id).GetAsync(ctx.Caller()));
    }
}
