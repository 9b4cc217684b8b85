using GraphQL.Types;
using Sparkle.GraphQL.Plans;

namespace Sparkle.GraphQL.Meetings;

public sealed class CreateMeetingInputType : InputObjectGraphType
{
    public CreateMeetingInputType()
    {
        Name = "CreateMeetingInput";
        Description = "A meeting from a plan (planId; other fields override the plan's) or ad hoc (title required).";
        Field<IdGraphType>("planId");
        PlanFieldsInput.AddFields(this, titleRequired: false);
        Field<ListGraphType<NonNullGraphType<StringGraphType>>>("recordingListeners")
            .Description("User numbers who may play the recordings besides the owner, the chairs and the tenant's managers.");
    }
}
