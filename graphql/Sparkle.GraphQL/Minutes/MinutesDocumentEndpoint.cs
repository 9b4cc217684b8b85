using System.Text;
using Sparkle.Grains.Identity;
using Sparkle.Grains.Minutes;
using Sparkle.GraphQL.Identity;
using Sparkle.GraphQL.Recordings;

namespace Sparkle.GraphQL.Minutes;

/// <summary>GET /minutes/{token}: renders the minutes the link names, for the user it names, checking the link
/// and (in the minutes grain) the user's right to read them on every request. Each entry links its audio
/// through /media/ with a link bound to the same user.</summary>
public sealed class MinutesDocumentEndpoint(MediaLinkSigner signer, CallerMapper callers, IGrainFactory grains, IConfiguration configuration)
{
    public async Task HandleAsync(HttpContext context, string token)
    {
        context.Response.Headers.CacheControl = "private, no-store";
        var claims = signer.Verify(token);
        if (claims is null || claims.Kind is not (MediaLinkKind.MinutesMarkdown or MediaLinkKind.MinutesDocx))
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

        MinutesView minutes;
        try
        {
            minutes = await grains.GetGrain<IMinutesGrain>(claims.MeetingId).GetAsync(Caller.User(claims.TenantId, claims.UserNumber));
        }
        catch (AccessDeniedException)
        {
            await PlainAsync(context, StatusCodes.Status403Forbidden, "You may no longer read these minutes.");
            return;
        }
        catch (Exception e) when (e is NotFoundException or ValidationException)
        {
            await PlainAsync(context, StatusCodes.Status404NotFound, "Not found.");
            return;
        }

        var baseUrl = configuration["Recordings:PublicBaseUrl"] is { Length: > 0 } configured
            ? configured.TrimEnd('/')
            : $"{context.Request.Scheme}://{context.Request.Host}";
        string Audio(MinutesEntry entry) => baseUrl + "/media/" + signer.Issue(MediaLinkKind.MinutesAudio, claims.TenantId, claims.UserNumber,
            claims.MeetingId, entry.UtteranceId, MinutesLinks.DocumentAudioLifetime).Token;

        var docx = claims.Kind == MediaLinkKind.MinutesDocx;
        var bytes = docx ? MinutesDocumentRenderer.Docx(minutes, Audio) : Encoding.UTF8.GetBytes(MinutesDocumentRenderer.Markdown(minutes, Audio));
        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = docx ? MinutesDocumentRenderer.DocxContentType : MinutesDocumentRenderer.MarkdownContentType;
        context.Response.Headers.XContentTypeOptions = "nosniff";
        context.Response.Headers.ContentDisposition = $"attachment; filename=\"minutes-{claims.MeetingId:N}{(docx ? ".docx" : ".md")}\"";
        context.Response.ContentLength = bytes.Length;
        await context.Response.Body.WriteAsync(bytes, context.RequestAborted);
    }

    private static Task PlainAsync(HttpContext context, int status, string message)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "text/plain; charset=utf-8";
        return context.Response.WriteAsync(message + "\n");
    }
}
