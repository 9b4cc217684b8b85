using GraphQL;
using GraphQL.Types;
using Sparkle.Grains.Meetings;
using Sparkle.Grains.Recordings;
using Sparkle.GraphQL.Schema;

namespace Sparkle.GraphQL.Recordings;

/// <summary>The recording fields of Meeting (the catalog grain decides who sees what).</summary>
public static class RecordingFields
{
    public static void AddTo(ObjectGraphType<MeetingSnapshot> meeting)
    {
        meeting.Field<NonNullGraphType<RecordingStateType>>("recordingState").Resolve(ctx => ctx.Source.RecordingState);
        meeting.Field<NonNullGraphType<ListGraphType<NonNullGraphType<RecordingType>>>>("recordings")
            .Description("The meeting's whole-meeting recordings, oldest first.")
            .ResolveAsync(async ctx => await ctx.Grains().GetGrain<IRecordingCatalogGrain>(ctx.Source.Id).ListRecordingsAsync(ctx.Caller()));
        meeting.Field<NonNullGraphType<ListGraphType<NonNullGraphType<UtteranceType>>>>("utterances")
            .Description($"Utterances in the order they started; page with after = the last startedAt (first: 1 to {UtteranceFilter.MaxFirst}, default 100).")
            .Argument<StringGraphType>("speakerNumber")
            .Argument<DateTimeOffsetGraphType>("after")
            .Argument<IntGraphType>("first")
            .ResolveAsync(async ctx => await ctx.Grains().GetGrain<IRecordingCatalogGrain>(ctx.Source.Id).ListUtterancesAsync(ctx.Caller(),
                new UtteranceFilter(ctx.GetArgument<string?>("speakerNumber"), ctx.GetArgument<DateTimeOffset?>("after"), ctx.GetArgument<int?>("first"))));
    }
}
