using System.Text.Json;
using GraphQL;
using GraphQL.Types;
using Sparkle.Grains.Minutes;
using Sparkle.GraphQL.Recordings;
using Sparkle.GraphQL.Schema;
using Sparkle.GraphQL.Webhooks;

namespace Sparkle.GraphQL.Minutes;

/// <summary>Editing, finalizing, naming the editor and exporting (the minutes grain checks every right).</summary>
public static class MinutesMutations
{
    private static readonly JsonSerializerOptions s_json = new(JsonSerializerDefaults.Web);

    public static void AddTo(ObjectGraphType mutation)
    {
        mutation.Field<NonNullGraphType<MinutesEntryType>>("editMinutesEntry")
            .Description("Replaces an entry's text (the recognised text and every edit are kept). The meeting's owner and chairs, its minutes editor, tenant owners and managers; not once final.")
            .Argument<NonNullGraphType<IdGraphType>>("entryId")
            .Argument<NonNullGraphType<StringGraphType>>("text")
            .ResolveAsync(async ctx =>
            {
                var (meetingId, entryId) = RecordingIds.Parse(ctx.GetArgument<string>("entryId"), "minutes entry");
                var entry = await ctx.Grains().GetGrain<IMinutesGrain>(meetingId).EditAsync(ctx.Caller(), entryId, ctx.GetArgument<string>("text"));
                return new MinutesEntryNode(meetingId, entry);
            });
        mutation.Field<NonNullGraphType<MinutesType>>("finalizeMinutes")
            .Description("Freezes the minutes and sends the minutes.finalized webhook (with a 7-day link to the DOCX issued to you).")
            .Argument<NonNullGraphType<IdGraphType>>("meetingId")
            .ResolveAsync(async ctx =>
            {
                var meetingId = ctx.GetArgument<Guid>("meetingId");
                var minutes = await ctx.Grains().GetGrain<IMinutesGrain>(meetingId).FinalizeAsync(ctx.Caller());
                await NotifyFinalizedAsync(ctx, minutes);
                return minutes;
            });
        mutation.Field<NonNullGraphType<BooleanGraphType>>("setMinutesEditor")
            .Description("Names the user who may edit the meeting's minutes (null: nobody besides owner, chairs and managers). Chairs.")
            .Argument<NonNullGraphType<IdGraphType>>("meetingId")
            .Argument<StringGraphType>("userNumber")
            .ResolveAsync(async ctx =>
            {
                await ctx.Grains().GetGrain<IMinutesGrain>(ctx.GetArgument<Guid>("meetingId")).SetEditorAsync(ctx.Caller(), ctx.GetArgument<string?>("userNumber"));
                return true;
            });
        mutation.Field<NonNullGraphType<MediaLinkType>>("minutesDocument")
            .Description("A 5-minute link to the minutes as Markdown or DOCX: speakers, times, text, and per entry a link to its audio through the platform (7 days, rights re-checked).")
            .Argument<NonNullGraphType<IdGraphType>>("meetingId")
            .Argument<NonNullGraphType<MinutesDocumentFormatType>>("format")
            .ResolveAsync(async ctx =>
            {
                var meetingId = ctx.GetArgument<Guid>("meetingId");
                await ctx.Grains().GetGrain<IMinutesGrain>(meetingId).GetAsync(ctx.Caller()); // the rights, before a link is made
                return MinutesLinks.Document(ctx, meetingId, ctx.GetArgument<MinutesDocumentFormat>("format"));
            });
    }

    /// <summary>Queues minutes.finalized for the tenant's webhooks. The minutes are final whatever happens here: a
    /// database fault is retried briefly, then logged.</summary>
    private static async Task NotifyFinalizedAsync(IResolveFieldContext ctx, MinutesView minutes)
    {
        if (ctx.RequestServices?.GetService<WebhookStore>() is not { } store)
        {
            return;
        }

        var document = MinutesLinks.Document(ctx, minutes.MeetingId, MinutesDocumentFormat.Docx, MinutesLinks.DocumentAudioLifetime);
        var markdown = MinutesLinks.Document(ctx, minutes.MeetingId, MinutesDocumentFormat.Markdown, MinutesLinks.DocumentAudioLifetime);
        var payload = JsonSerializer.Serialize(new
        {
            id = $"{minutes.MeetingId:N}-minutes-final",
            type = WebhookEventTypes.MinutesFinalized,
            tenantId = minutes.TenantId,
            occurredAt = minutes.FinalizedAt,
            data = new
            {
                meetingId = minutes.MeetingId,
                title = minutes.Title,
                participants = minutes.Participants.Select(p => new { userNumber = p.Number, displayName = p.Name }),
                finalizedBy = minutes.FinalizedBy,
                entryCount = minutes.Entries.Count,
                documentUrl = document.Url,
                markdownUrl = markdown.Url,
                documentExpiresAt = document.ExpiresAt,
            },
        }, s_json);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                if (await store.EnqueueAsync(minutes.TenantId, WebhookEventTypes.MinutesFinalized, payload, CancellationToken.None) > 0)
                {
                    ctx.RequestServices.GetService<WebhookSender>()?.Wake();
                }

                return;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                if (attempt >= 3)
                {
                    ctx.RequestServices.GetService<ILoggerFactory>()?.CreateLogger(typeof(MinutesMutations))
                        .LogError(e, "Minutes of meeting {MeetingId} are final, but the minutes.finalized webhook could not be queued", minutes.MeetingId);
                    return;
                }

                await Task.Delay(TimeSpan.FromMilliseconds(200 * attempt));
            }
        }
    }
}
