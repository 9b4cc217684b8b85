using GraphQL;
using GraphQL.Types;
using Sparkle.Grains.Identity;
using Sparkle.Grains.Meetings;
using Sparkle.Grains.Recordings;
using Sparkle.Grains.Tenants;
using Sparkle.GraphQL.Schema;

namespace Sparkle.GraphQL.Recordings;

/// <summary>Playback links (mutations: issuing one is audited), deletion and key rotation.</summary>
public static class RecordingMutations
{
    public static void AddTo(ObjectGraphType mutation)
    {
        mutation.Field<NonNullGraphType<MediaLinkType>>("recordingPlayback")
            .Description("A 5-minute link that streams the recording to you (audited).")
            .Argument<NonNullGraphType<IdGraphType>>("recordingId")
            .ResolveAsync(async ctx => await RecordingLinkAsync(ctx, export: false));
        mutation.Field<NonNullGraphType<MediaLinkType>>("downloadRecording")
            .Description("A 5-minute link that downloads the recording (owners and managers; audited).")
            .Argument<NonNullGraphType<IdGraphType>>("recordingId")
            .ResolveAsync(async ctx => await RecordingLinkAsync(ctx, export: true));
        mutation.Field<NonNullGraphType<MediaLinkType>>("utterancePlayback")
            .Description("A 5-minute link that streams one utterance (participants of the meeting; audited).")
            .Argument<NonNullGraphType<IdGraphType>>("utteranceId")
            .ResolveAsync(async ctx =>
            {
                var caller = ctx.Caller();
                var (meetingId, utteranceId) = RecordingIds.Parse(ctx.GetArgument<string>("utteranceId"), "utterance");
                var grant = await ctx.Grains().GetGrain<IRecordingCatalogGrain>(meetingId).AuthorizeUtteranceAsync(caller, utteranceId);
                return Link(ctx, caller, MediaLinkKind.Utterance, grant);
            });
        mutation.Field<NonNullGraphType<BooleanGraphType>>("replayUtterance")
            .Description("Plays one utterance privately into your own call in the meeting (you must be connected to it and may replay its utterances; audited). The others do not hear it; the meeting goes on underneath, 12 dB lower.")
            .Argument<NonNullGraphType<IdGraphType>>("meetingId")
            .Argument<NonNullGraphType<IdGraphType>>("utteranceId")
            .ResolveAsync(async ctx =>
            {
                var meetingId = ctx.GetArgument<Guid>("meetingId");
                var (utteranceMeeting, utteranceId) = RecordingIds.Parse(ctx.GetArgument<string>("utteranceId"), "utterance");
                if (utteranceMeeting != meetingId)
                {
                    throw ResolveContextExtensions.BadInput("The utterance is not one of this meeting's.");
                }

                return await ctx.Grains().GetGrain<IMeetingGrain>(meetingId).ReplayUtteranceAsync(ctx.Caller(), utteranceId);
            });
        mutation.Field<NonNullGraphType<BooleanGraphType>>("deleteRecording")
            .Description("Deletes the recording and forgets its keys: no copy can be played again (owners and managers).")
            .Argument<NonNullGraphType<IdGraphType>>("recordingId")
            .ResolveAsync(async ctx =>
            {
                var (meetingId, recordingId) = RecordingIds.Parse(ctx.GetArgument<string>("recordingId"), "recording");
                await ctx.Grains().GetGrain<IRecordingCatalogGrain>(meetingId).DeleteRecordingAsync(ctx.Caller(), recordingId);
                return true;
            });
        mutation.Field<NonNullGraphType<BooleanGraphType>>("rotateRecordingKey")
            .Description("A new tenant recording key for new recordings; forgetOld destroys the old ones, and every recording they protect becomes unreadable for good (owner only).")
            .Argument<NonNullGraphType<BooleanGraphType>>("forgetOld")
            .ResolveAsync(async ctx =>
            {
                var caller = ctx.Caller();
                await ctx.Grains().GetGrain<ITenantGrain>(caller.TenantId).RotateRecordingKeyAsync(caller, ctx.GetArgument<bool>("forgetOld"));
                return true;
            });
    }

    private static async Task<MediaLink> RecordingLinkAsync(IResolveFieldContext ctx, bool export)
    {
        var caller = ctx.Caller();
        var (meetingId, recordingId) = RecordingIds.Parse(ctx.GetArgument<string>("recordingId"), "recording");
        var grant = await ctx.Grains().GetGrain<IRecordingCatalogGrain>(meetingId).AuthorizePlaybackAsync(caller, recordingId, export);
        return Link(ctx, caller, export ? MediaLinkKind.Export : MediaLinkKind.Play, grant);
    }

    private static MediaLink Link(IResolveFieldContext ctx, Caller caller, MediaLinkKind kind, PlaybackGrant grant)
    {
        if (caller.Kind != CallerKind.User || caller.UserNumber is not { } number)
        {
            throw ResolveContextExtensions.Forbidden("Playback links are issued to users.");
        }

        var (token, expires) = ctx.Service<MediaLinkSigner>().Issue(kind, caller.TenantId, number, grant.MeetingId, grant.ItemId);
        var url = BaseUrl(ctx) + "/media/" + token;
        var parts = grant.Parts
            .Select(p => new MediaLinkPart(p.Index, p.Index == 0 ? url : $"{url}?part={p.Index}", (long)p.Offset.TotalMilliseconds, (long)p.Duration.TotalMilliseconds))
            .ToList();
        return new MediaLink(parts.Count > 0 ? parts[0].Url : url, expires, parts);
    }

    /// <summary>"Recordings:PublicBaseUrl" behind a proxy, else the origin the request came to.</summary>
    internal static string BaseUrl(IResolveFieldContext ctx)
    {
        if (ctx.Service<IConfiguration>()["Recordings:PublicBaseUrl"] is { Length: > 0 } configured)
        {
            return configured.TrimEnd('/');
        }

        var request = ctx.Service<IHttpContextAccessor>().HttpContext?.Request;
        return request is null ? "" : $"{request.Scheme}://{request.Host}";
    }
}
