using Sparkle.Grains.Identity;
using Sparkle.Grains.Meetings;
using Sparkle.GraphQL.Identity;
using Sparkle.GraphQL.Recordings;

namespace Sparkle.GraphQL.Preview;

/// <summary>GET /media/preview/{token}: the latest composite of the meeting the link names, as image/jpeg, for
/// the user it names. Every GET asks the meeting grain again (rights withdrawn, meeting ended: 404) and gets a
/// fresh picture (the worker encodes at most one per half second per meeting, whoever asks); never cached by the
/// browser (no-store). 404 when there is no picture right now. A console's &lt;img&gt; refreshes by appending a
/// query (<c>?t=n</c>), or, to a link that already has one, <c>&amp;t=n</c>: the query is ignored, and so is
/// anything after an '&amp;' in the token segment (neither base64url nor the signature uses '&amp;').</summary>
public sealed class PreviewEndpoint(MediaLinkSigner signer, CallerMapper callers, IGrainFactory grains, ILogger<PreviewEndpoint> logger)
{
    public async Task HandleAsync(HttpContext context, string token)
    {
        context.Response.Headers.CacheControl = "no-store";
        var ampersand = token.IndexOf('&', StringComparison.Ordinal);
        var claims = signer.Verify(ampersand >= 0 ? token[..ampersand] : token);
        if (claims is not { Kind: MediaLinkKind.LivePreview })
        {
            await PlainAsync(context, StatusCodes.Status403Forbidden, "The link is invalid or has expired.");
            return;
        }

        if (context.Request.Headers.Authorization.Count > 0)
        {
            var sender = callers.Map(context.User);
            if (sender is null || sender.TenantId != claims.TenantId || sender.UserNumber != claims.UserNumber)
            {
                await PlainAsync(context, StatusCodes.Status403Forbidden, "The link was issued to another user.");
                return;
            }
        }

        Sparkle.Grains.Media.PreviewPicture? picture;
        try
        {
            picture = await grains.GetGrain<IMeetingGrain>(claims.MeetingId).GetPreviewAsync(Caller.User(claims.TenantId, claims.UserNumber));
        }
        catch (Exception e) when (e is AccessDeniedException or NotFoundException)
        {
            // Rights withdrawn since the link was issued, or the meeting is gone: as if there were nothing.
            logger.LogDebug("Preview of meeting {MeetingId} refused to {UserNumber}: {Message}", claims.MeetingId, claims.UserNumber, e.Message);
            picture = null;
        }

        if (picture is null)
        {
            await PlainAsync(context, StatusCodes.Status404NotFound, "No picture right now.");
            return;
        }

        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = "image/jpeg";
        context.Response.ContentLength = picture.Jpeg.Length;
        context.Response.Headers.XContentTypeOptions = "nosniff";
        context.Response.Headers.LastModified = picture.TakenAt.ToString("R");
        await context.Response.Body.WriteAsync(picture.Jpeg, context.RequestAborted);
    }

    private static async Task PlainAsync(HttpContext context, int status, string message)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "text/plain; charset=utf-8";
        await context.Response.WriteAsync(message, context.RequestAborted);
    }
}
