using GraphQL;
using Sparkle.Grains.Identity;
using Sparkle.GraphQL.Recordings;
using Sparkle.GraphQL.Schema;

namespace Sparkle.GraphQL.Minutes;

/// <summary>Signed links for minutes: an entry's audio (through GET /media/{token}) and the document (GET
/// /minutes/{token}), bound to the user like the recordings' links.</summary>
public static class MinutesLinks
{
    /// <summary>The audio links written into an exported document: a document is read long after its 5-minute
    /// download link; every request still re-checks that the user may read the minutes.</summary>
    public static readonly TimeSpan DocumentAudioLifetime = TimeSpan.FromDays(7);

    public static string? AudioUrl(IResolveFieldContext ctx, Guid meetingId, Guid utteranceId)
    {
        var caller = ctx.Caller();
        if (caller.Kind != CallerKind.User || caller.UserNumber is not { } number)
        {
            return null;
        }

        var (token, _) = ctx.Service<MediaLinkSigner>().Issue(MediaLinkKind.MinutesAudio, caller.TenantId, number, meetingId, utteranceId);
        return RecordingMutations.BaseUrl(ctx) + "/media/" + token;
    }

    public static MediaLink Document(IResolveFieldContext ctx, Guid meetingId, MinutesDocumentFormat format, TimeSpan? lifetime = null)
    {
        var caller = ctx.Caller();
        if (caller.Kind != CallerKind.User || caller.UserNumber is not { } number)
        {
            throw ResolveContextExtensions.Forbidden("Document links are issued to users.");
        }

        var kind = format == MinutesDocumentFormat.Docx ? MediaLinkKind.MinutesDocx : MediaLinkKind.MinutesMarkdown;
        var (token, expires) = ctx.Service<MediaLinkSigner>().Issue(kind, caller.TenantId, number, meetingId, meetingId, lifetime);
        var url = RecordingMutations.BaseUrl(ctx) + "/minutes/" + token;
        return new MediaLink(url, expires, [new MediaLinkPart(0, url, 0, 0)]);
    }
}
