using GraphQL.Types;
using Sparkle.Grains.Recordings;

namespace Sparkle.GraphQL.Recordings;

/// <summary>An audit row with the meeting it belongs to (for the item's API id).</summary>
public sealed record MeetingAuditEntry(Guid MeetingId, RecordingAuditEntry Entry);

public sealed class RecordingAuditEntryType : ObjectGraphType<MeetingAuditEntry>
{
    public RecordingAuditEntryType()
    {
        Name = "RecordingAuditEntry";
        Field<NonNullGraphType<DateTimeOffsetGraphType>>("at").Resolve(ctx => ctx.Source.Entry.At);
        Field<NonNullGraphType<StringGraphType>>("who").Description("The user number (or the platform).").Resolve(ctx => ctx.Source.Entry.Who);
        Field<NonNullGraphType<RecordingAuditActionType>>("action").Resolve(ctx => ctx.Source.Entry.Action);
        Field<NonNullGraphType<IdGraphType>>("itemId").Description("The recording or utterance id.")
            .Resolve(ctx => RecordingIds.Format(ctx.Source.MeetingId, ctx.Source.Entry.ItemId));
    }
}
