using GraphQL.Types;
using Sparkle.GraphQL.Schema;

namespace Sparkle.GraphQL.Plans;

/// <summary>The fields shared by plan and meeting inputs.</summary>
internal static class PlanFieldsInput
{
    public static void AddFields(IInputObjectGraphType type, bool titleRequired)
    {
        if (titleRequired)
        {
            type.AddField(new FieldType { Name = "title", Type = typeof(NonNullGraphType<StringGraphType>) });
        }
        else
        {
            type.AddField(new FieldType { Name = "title", Type = typeof(StringGraphType) });
        }
        type.AddField(new FieldType { Name = "participants", Type = typeof(ListGraphType<NonNullGraphType<ParticipantInputType>>) });
        type.AddField(new FieldType { Name = "layout", Type = typeof(StringGraphType), Description = "A layout id from the layouts query." });
        type.AddField(new FieldType { Name = "layoutMode", Type = typeof(LayoutModeType) });
        type.AddField(new FieldType { Name = "recording", Type = typeof(RecordingSettingsInputType) });
        type.AddField(new FieldType { Name = "pin", Type = typeof(StringGraphType) });
        type.AddField(new FieldType { Name = "scheduledStart", Type = typeof(DateTimeOffsetGraphType) });
        type.AddField(new FieldType { Name = "durationMinutes", Type = typeof(IntGraphType) });
    }
}
