using GraphQL.Types;

namespace Sparkle.GraphQL.Plans;

public sealed class CreateMeetingPlanInputType : InputObjectGraphType
{
    public CreateMeetingPlanInputType()
    {
        Name = "CreateMeetingPlanInput";
        PlanFieldsInput.AddFields(this, titleRequired: true);
    }
}
