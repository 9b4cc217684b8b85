using GraphQL.Types;
using Sparkle.Grains.Meetings;

namespace Sparkle.GraphQL.Meetings;

public sealed class MeetingEventType : ObjectGraphType<MeetingEvent>
{
    public MeetingEventType()
    {
        Name = "MeetingEvent";
        Description = "One change of a meeting: the same stream as the SIP conference event package.";
        Field<NonNullGraphType<IdGraphType>>("meetingId").Resolve(ctx => ctx.Source.MeetingId);
        Field<NonNullGraphType<LongGraphType>>("version").Resolve(ctx => ctx.Source.Version);
        Field<NonNullGraphType<DateTimeOffsetGraphType>>("at").Resolve(ctx => ctx.Source.At);
        Field<NonNullGraphType<MeetingEventKindType>>("kind").Resolve(ctx => ctx.Source.Kind);
        Field<ParticipantType>("participant").Description("The participant's state after the change.").Resolve(ctx => ctx.Source.Participant);
        Field(x => x.Detail, nullable: true);
    }
}
