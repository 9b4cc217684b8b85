using GraphQL;
using GraphQL.Types;
using Sparkle.Grains.Recordings;
using Sparkle.GraphQL.Schema;

namespace Sparkle.GraphQL.Recordings;

public static class RecordingQueries
{
    public static void AddTo(ObjectGraphType query)
    {
        query.Field<NonNullGraphType<ListGraphType<NonNullGraphType<RecordingAuditEntryType>>>>("recordingAudit")
            .Description("Who played, downloaded, replayed or deleted the meeting's recordings, newest first (owners and managers).")
            .Argument<NonNullGraphType<IdGraphType>>("meetingId")
            .ResolveAsync(async ctx =>
            {
                var meetingId = ctx.GetArgument<Guid>("meetingId");
                var entries = await ctx.Grains().GetGrain<IRecordingCatalogGrain>(meetingId).GetAuditAsync(ctx.Caller());
                return entries.Select(e => new MeetingAuditEntry(meetingId, e)).ToList();
            });
    }
}
