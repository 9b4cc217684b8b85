using GraphQL.Types;
using Sparkle.Grains.Recordings;

namespace Sparkle.GraphQL.Recordings;

public sealed class UtteranceType : ObjectGraphType<UtteranceListing>
{
    public UtteranceType()
    {
        Name = "Utterance";
        Description = "What one participant said in one go, stored on its own (replay it through utterancePlayback).";
        Field<NonNullGraphType<IdGraphType>>("id").Resolve(ctx => RecordingIds.Format(ctx.Source.MeetingId, ctx.Source.Id));
        Field<NonNullGraphType<IdGraphType>>("participantId").Resolve(ctx => ctx.Source.ParticipantId);
        Field<StringGraphType>("speakerNumber").Description("The tenant user number; null for guests.").Resolve(ctx => ctx.Source.SpeakerNumber);
        Field<StringGraphType>("speakerName").Resolve(ctx => ctx.Source.SpeakerName);
        Field<NonNullGraphType<DateTimeOffsetGraphType>>("startedAt").Resolve(ctx => ctx.Source.StartedAt);
        Field<NonNullGraphType<DateTimeOffsetGraphType>>("endedAt").Resolve(ctx => ctx.Source.EndedAt);
        Field<NonNullGraphType<LongGraphType>>("durationMs").Resolve(ctx => (long)(ctx.Source.EndedAt - ctx.Source.StartedAt).TotalMilliseconds);
        Field<LongGraphType>("recordingOffsetMs").Description("Where it falls in the whole-meeting recording running then.")
            .Resolve(ctx => ctx.Source.RecordingOffset is { } offset ? (long)offset.TotalMilliseconds : null);
    }
}
