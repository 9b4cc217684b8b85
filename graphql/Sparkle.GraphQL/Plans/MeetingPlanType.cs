using GraphQL.Types;
using Sparkle.Grains.Plans;

namespace Sparkle.GraphQL.Plans;

public sealed class MeetingPlanType : ObjectGraphType<MeetingPlanInfo>
{
    public MeetingPlanType()
    {
        Name = "MeetingPlan";
        Description = "A stored meeting template that can be started again at any time.";
        Field<NonNullGraphType<IdGraphType>>("id").Resolve(ctx => ctx.Source.Id);
        Field<NonNullGraphType<IdGraphType>>("tenantId").Resolve(ctx => ctx.Source.TenantId);
        Field(x => x.OwnerNumber);
        Field<NonNullGraphType<StringGraphType>>("title").Resolve(ctx => ctx.Source.Spec.Title);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<PlannedParticipantType>>>>("participants").Resolve(ctx => ctx.Source.Spec.Participants);
        Field<NonNullGraphType<StringGraphType>>("layout").Resolve(ctx => ctx.Source.Spec.Layout);
        Field<NonNullGraphType<LayoutModeType>>("layoutMode").Resolve(ctx => ctx.Source.Spec.LayoutMode);
        Field<NonNullGraphType<RecordingSettingsType>>("recording").Resolve(ctx => ctx.Source.Spec.Recording ?? new RecordingSettings());
        Field<StringGraphType>("pin").Resolve(ctx => ctx.Source.Spec.Pin);
        Field<DateTimeOffsetGraphType>("scheduledStart").Resolve(ctx => ctx.Source.Spec.ScheduledStart);
        Field<IntGraphType>("durationMinutes").Resolve(ctx => ctx.Source.Spec.Duration is { } d ? (int)d.TotalMinutes : null);
        Field<IdGraphType>("copiedFrom").Description("The plan this one is an independent copy of.").Resolve(ctx => ctx.Source.CopiedFrom);
        Field<NonNullGraphType<DateTimeOffsetGraphType>>("createdAt").Resolve(ctx => ctx.Source.CreatedAt);
        Field<NonNullGraphType<DateTimeOffsetGraphType>>("updatedAt").Resolve(ctx => ctx.Source.UpdatedAt);
    }
}
