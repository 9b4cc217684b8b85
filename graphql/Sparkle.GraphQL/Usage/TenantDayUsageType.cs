using GraphQL.Types;
using Sparkle.Grains.Usage;

namespace Sparkle.GraphQL.Usage;

public sealed class TenantDayUsageType : ObjectGraphType<TenantDailyUsage>
{
    public TenantDayUsageType()
    {
        Name = "TenantDayUsage";
        Description = "A tenant's usage on one UTC day; a call across midnight counts in both days with the minutes of each.";
        Field<NonNullGraphType<IdGraphType>>("tenantId").Resolve(ctx => ctx.Source.TenantId);
        Field<NonNullGraphType<DateOnlyGraphType>>("day").Resolve(ctx => ctx.Source.Day);
        Field<NonNullGraphType<IntGraphType>>("meetings").Description("Meetings with a call connected during the day.").Resolve(ctx => ctx.Source.Meetings);
        Field<NonNullGraphType<FloatGraphType>>("participantMinutes").Description("Connected minutes of all calls within the day.")
            .Resolve(ctx => ctx.Source.ParticipantMinutes);
        Field<NonNullGraphType<IntGraphType>>("peakConcurrency").Description("Most calls connected at the same instant during the day.")
            .Resolve(ctx => ctx.Source.PeakConcurrency);
        Field<NonNullGraphType<FloatGraphType>>("recordingMinutes").Description("Minutes of recording parts stored (separate audio and video count both).")
            .Resolve(ctx => ctx.Source.RecordingMinutes);
        Field<NonNullGraphType<LongGraphType>>("recordingBytes").Description("Bytes of recording parts stored (encrypted).").Resolve(ctx => ctx.Source.RecordingBytes);
    }
}
