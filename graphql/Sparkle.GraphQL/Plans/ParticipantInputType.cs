using GraphQL.Types;
using Sparkle.Grains.Identity;
using Sparkle.Grains.Plans;
using Sparkle.GraphQL.Identity;
using Sparkle.GraphQL.Schema;

namespace Sparkle.GraphQL.Plans;

public sealed class ParticipantInputType : InputObjectGraphType<PlannedParticipant>
{
    public ParticipantInputType()
    {
        Name = "ParticipantInput";
        Description = "A number to dial, or a contact (its number is looked up) with an optional number override.";
        Field<StringGraphType>("number");
        Field<StringGraphType>("displayName");
        Field<RoleType>("role").Description("Meeting role; participant when omitted.");
        Field<IdGraphType>("contactExternalId");
    }

    public override object ParseDictionary(IDictionary<string, object?> value) =>
        new PlannedParticipant(
            value.Value<string>("number") ?? "",
            value.Value<string>("displayName"),
            value.Value<Role?>("role") ?? Role.Participant,
            value.IdText("contactExternalId"));
}
