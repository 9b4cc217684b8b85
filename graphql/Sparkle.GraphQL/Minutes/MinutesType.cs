using GraphQL.Types;
using Sparkle.Grains.Minutes;

namespace Sparkle.GraphQL.Minutes;

public sealed class MinutesType : ObjectGraphType<MinutesView>
{
    public MinutesType()
    {
        Name = "Minutes";
        Description = "The meeting's automatic minutes: one entry per utterance, per speaker, in meeting-time order. "
            + "Recognition: PocketSphinx with its US English model (en-US only, wideband speech; narrowband G.711 entries are flagged and their text withheld).";
        Field<NonNullGraphType<MinutesStatusType>>("status").Resolve(ctx => ctx.Source.Status);
        Field<NonNullGraphType<LongGraphType>>("lagMs")
            .Description("How long the oldest utterance still waiting for transcription has waited; when none waits, how long the last one did.")
            .Resolve(ctx => (long)ctx.Source.Lag.TotalMilliseconds);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<MinutesEntryType>>>>("entries")
            .Resolve(ctx => ctx.Source.Entries.Select(e => new MinutesEntryNode(ctx.Source.MeetingId, e)).ToList());
        Field<StringGraphType>("minutesEditor").Description("The user number the chair named to edit the minutes.").Resolve(ctx => ctx.Source.MinutesEditor);
        Field<DateTimeOffsetGraphType>("finalizedAt").Resolve(ctx => ctx.Source.FinalizedAt);
        Field<StringGraphType>("finalizedBy").Resolve(ctx => ctx.Source.FinalizedBy);
    }
}
