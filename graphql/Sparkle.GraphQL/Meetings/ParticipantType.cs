using GraphQL.Types;
using Sparkle.Grains.Meetings;
using Sparkle.GraphQL.Identity;

namespace Sparkle.GraphQL.Meetings;

public sealed class ParticipantType : ObjectGraphType<ParticipantSnapshot>
{
    public ParticipantType()
    {
        Name = "Participant";
        Description = "A participant of a meeting and their live state.";
        Field<NonNullGraphType<IdGraphType>>("id").Resolve(ctx => ctx.Source.ParticipantId);
        Field(x => x.Uri).Description("The participant's SIP URI.");
        Field(x => x.DisplayName, nullable: true);
        Field(x => x.UserNumber, nullable: true).Description("The tenant user, when the participant is one.");
        Field<NonNullGraphType<RoleType>>("role").Description("Meeting role.").Resolve(ctx => ctx.Source.MeetingRole);
        Field<NonNullGraphType<CallStateType>>("state").Resolve(ctx => ctx.Source.State);
        Field<NonNullGraphType<JoiningMethodType>>("joiningMethod").Resolve(ctx => ctx.Source.JoiningMethod);
        Field<DisconnectionMethodType>("disconnectionMethod").Resolve(ctx => ctx.Source.DisconnectionMethod);
        Field(x => x.Muted);
        Field(x => x.SpeakingAllowed);
        Field(x => x.VideoOn);
        Field(x => x.VideoAllowed);
        Field(x => x.Speaking).Description("Currently detected as speaking.");
        Field<DateTimeOffsetGraphType>("joinedAt").Resolve(ctx => ctx.Source.JoinedAt);
        Field<DateTimeOffsetGraphType>("leftAt").Resolve(ctx => ctx.Source.LeftAt);
        Field<IntGraphType>("slot").Description("Slot in a fixed layout, when placed by the chair.").Resolve(ctx => ctx.Source.Slot);
        Field<NonNullGraphType<BooleanGraphType>>("inLobby")
            .Description("Waiting to key the PIN of a PIN-protected meeting: neither heard nor hearing yet.")
            .Resolve(ctx => ctx.Source.InLobby);
    }
}
