using GraphQL.Types;
using Sparkle.Grains.Plans;
using Sparkle.GraphQL.Identity;

namespace Sparkle.GraphQL.Plans;

public sealed class PlannedParticipantType : ObjectGraphType<PlannedParticipant>
{
    public PlannedParticipantType()
    {
        Name = "PlannedParticipant";
        Description = "Someone to call: a directory or personal contact, or a typed number.";
        Field(x => x.Number).Description("What is dialled: a short number or a mobile/landline number.");
        Field(x => x.DisplayName, nullable: true);
        Field<NonNullGraphType<RoleType>>("role").Description("The meeting role.").Resolve(ctx => ctx.Source.MeetingRole);
        Field<IdGraphType>("contactExternalId").Resolve(ctx => ctx.Source.ContactExternalId);
    }
}
