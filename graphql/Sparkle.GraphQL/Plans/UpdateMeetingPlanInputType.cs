using GraphQL.Types;

namespace Sparkle.GraphQL.Plans;

public sealed class UpdateMeetingPlanInputType : InputObjectGraphType
{
    public UpdateMeetingPlanInputType()
    {
        Name = "UpdateMeetingPlanInput";
        Description = "Changes the fields given; the others keep their values.";
        Field<NonNullGraphType<IdGraphType>>("id");
        PlanFieldsInput.AddFields(this, titleRequired: false);
    }
}
