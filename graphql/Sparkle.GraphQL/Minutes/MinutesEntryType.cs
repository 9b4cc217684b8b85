using GraphQL.Types;
using Sparkle.Grains.Minutes;
using Sparkle.GraphQL.Recordings;

namespace Sparkle.GraphQL.Minutes;

/// <summary>An entry with its meeting (ids and audio links need it).</summary>
public sealed record MinutesEntryNode(Guid MeetingId, MinutesEntry Entry);

public sealed class MinutesEntryType : ObjectGraphType<MinutesEntryNode>
{
    public MinutesEntryType()
    {
        Name = "MinutesEntry";
        Description = "What one speaker said in one utterance, with a link to its audio.";
        Field<NonNullGraphType<IdGraphType>>("id").Resolve(ctx => RecordingIds.Format(ctx.Source.MeetingId, ctx.Source.Entry.Id));
        Field<NonNullGraphType<IdGraphType>>("utteranceId").Resolve(ctx => RecordingIds.Format(ctx.Source.MeetingId, ctx.Source.Entry.UtteranceId));
        Field<StringGraphType>("speakerNumber").Description("The tenant user number; null for guests.").Resolve(ctx => ctx.Source.Entry.SpeakerNumber);
        Field<StringGraphType>("speakerName").Resolve(ctx => ctx.Source.Entry.SpeakerName);
        Field<NonNullGraphType<DateTimeOffsetGraphType>>("startedAt").Resolve(ctx => ctx.Source.Entry.StartedAt);
        Field<NonNullGraphType<DateTimeOffsetGraphType>>("endedAt").Resolve(ctx => ctx.Source.Entry.EndedAt);
        Field<StringGraphType>("text")
            .Description("The edited text, else the recognised one; null when withheld (narrowband or untranscribed) and nobody wrote it.")
            .Resolve(ctx => ctx.Source.Entry.Text);
        Field<StringGraphType>("originalText").Description("What the engine recognised (kept through edits).").Resolve(ctx => ctx.Source.Entry.OriginalText);
        Field<NonNullGraphType<FloatGraphType>>("confidence").Description("0..1, the engine's mean word posterior.").Resolve(ctx => ctx.Source.Entry.Confidence);
        Field<NonNullGraphType<BooleanGraphType>>("narrowband")
            .Description("Telephone-band audio (G.711): the en-US model recognises wideband speech only, so the text is withheld.")
            .Resolve(ctx => ctx.Source.Entry.Narrowband);
        Field<NonNullGraphType<MinutesEntryStatusType>>("status").Resolve(ctx => ctx.Source.Entry.Status);
        Field<StringGraphType>("reason").Description("Why the text is missing or withheld.").Resolve(ctx => ctx.Source.Entry.Reason);
        Field<StringGraphType>("editedBy").Resolve(ctx => ctx.Source.Entry.EditedBy);
        Field<DateTimeOffsetGraphType>("editedAt").Resolve(ctx => ctx.Source.Entry.EditedAt);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<MinutesEditType>>>>("edits").Description("Oldest first.").Resolve(ctx => ctx.Source.Entry.Edits);
        Field<StringGraphType>("audioUrl")
            .Description("A 5-minute link that streams the utterance to you (anyone who may read the minutes); null for non-user callers.")
            .Resolve(ctx => MinutesLinks.AudioUrl(ctx, ctx.Source.MeetingId, ctx.Source.Entry.UtteranceId));
    }
}

public sealed class MinutesEditType : ObjectGraphType<MinutesEdit>
{
    public MinutesEditType()
    {
        Name = "MinutesEdit";
        Field<NonNullGraphType<DateTimeOffsetGraphType>>("at").Resolve(ctx => ctx.Source.At);
        Field(x => x.By);
        Field(x => x.Text);
    }
}
