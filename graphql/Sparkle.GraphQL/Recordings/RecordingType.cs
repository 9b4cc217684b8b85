using GraphQL.Types;
using Sparkle.Grains.Recordings;

namespace Sparkle.GraphQL.Recordings;

public sealed class RecordingType : ObjectGraphType<RecordingInfo>
{
    public RecordingType()
    {
        Name = "Recording";
        Description = "A whole-meeting recording (stored encrypted; play it through recordingPlayback).";
        Field<NonNullGraphType<IdGraphType>>("id").Resolve(ctx => RecordingIds.Format(ctx.Source.MeetingId, ctx.Source.Id));
        Field<NonNullGraphType<RecordingKindType>>("kind").Resolve(ctx => ctx.Source.Kind);
        Field<NonNullGraphType<DateTimeOffsetGraphType>>("startedAt").Resolve(ctx => ctx.Source.StartedAt);
        Field<DateTimeOffsetGraphType>("endedAt").Description("Null while it records.").Resolve(ctx => ctx.Source.EndedAt);
        Field<NonNullGraphType<LongGraphType>>("durationMs").Description("Of the parts stored so far.").Resolve(ctx => (long)ctx.Source.Duration.TotalMilliseconds);
        Field<NonNullGraphType<LongGraphType>>("sizeBytes").Resolve(ctx => ctx.Source.SizeBytes);
        Field<NonNullGraphType<IntGraphType>>("partCount").Resolve(ctx => ctx.Source.PartCount);
    }
}
