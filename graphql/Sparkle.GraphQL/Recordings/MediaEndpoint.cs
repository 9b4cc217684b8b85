using System.Buffers;
using System.Globalization;
using System.Security.Cryptography;
using Sparkle.Grains.Identity;
using Sparkle.Grains.Recordings;
using Sparkle.GraphQL.Identity;
using Sparkle.Recordings;

namespace Sparkle.GraphQL.Recordings;

/// <summary>GET /media/{token}[?part=n]: streams the decrypted plaintext of one authorised part, never a
/// redirect to the blob store. Each request checks the link (signature, expiry, same user when a bearer
/// token is sent: else 403), asks the catalog grain again (rights withdrawn or the recording deleted since
/// the link was issued: 403/404), unwraps the data key through the tenant's key grain, and serves the range
/// asked for (206 + Content-Range; Accept-Ranges: bytes). Sealed data that fails authentication is never
/// served: before the headers it is a 502 saying so; after them the response is aborted.</summary>
public sealed class MediaEndpoint(
    MediaLinkSigner signer,
    CallerMapper callers,
    IGrainFactory grains,
    IServiceProvider services,
    ILogger<MediaEndpoint> logger)
{
    private const int ChunkSize = 64 * 1024;

    public async Task HandleAsync(HttpContext context, string token)
    {
        context.Response.Headers.CacheControl = "private, no-store";
        var claims = signer.Verify(token);
        if (claims is null)
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

        var caller = Caller.User(claims.TenantId, claims.UserNumber);
        var catalog = grains.GetGrain<IRecordingCatalogGrain>(claims.MeetingId);
        PlaybackGrant grant;
        try
        {
            grant = claims.Kind switch
            {
                MediaLinkKind.Utterance => await catalog.CheckUtteranceAsync(caller, claims.ItemId),
                // A minutes entry's audio: whoever may read the minutes hears what the entry was made from.
                MediaLinkKind.MinutesAudio => await grains.GetGrain<Sparkle.Grains.Minutes.IMinutesGrain>(claims.MeetingId).CheckEntryAudioAsync(caller, claims.ItemId),
                MediaLinkKind.Play or MediaLinkKind.Export => await catalog.CheckPlaybackAsync(caller, claims.ItemId, claims.Kind == MediaLinkKind.Export),
                _ => throw new NotFoundException("Not media."),
            };
        }
        catch (AccessDeniedException)
        {
            await PlainAsync(context, StatusCodes.Status403Forbidden, "You may no longer play this.");
            return;
        }
        catch (Exception e) when (e is NotFoundException or ValidationException)
        {
            await PlainAsync(context, StatusCodes.Status404NotFound, "Not found.");
            return;
        }

        if (services.GetService<RecordingBlobStore>() is not { } store)
        {
            await PlainAsync(context, StatusCodes.Status503ServiceUnavailable, "Recording storage is not configured.");
            return;
        }

        var index = 0;
        if (context.Request.Query.TryGetValue("part", out var partText)
            && !int.TryParse(partText, NumberStyles.None, CultureInfo.InvariantCulture, out index))
        {
            await PlainAsync(context, StatusCodes.Status400BadRequest, "part is a part index.");
            return;
        }

        if (grant.Parts.FirstOrDefault(p => p.Index == index) is not { } part)
        {
            await PlainAsync(context, StatusCodes.Status404NotFound, "No such part.");
            return;
        }

        byte[] dataKey;
        try
        {
            dataKey = await grains.GetGrain<ITenantKeyGrain>(grant.TenantId).UnwrapAsync(part.Key);
        }
        catch (NotFoundException)
        {
            await PlainAsync(context, StatusCodes.Status410Gone, "The recording's key was destroyed: it can never be played again.");
            return;
        }

        try
        {
            var reader = new SealedReader(store.OpenRange(part.BlobName), part.SealedBytes, dataKey);
            await StreamAsync(context, reader, grant, claims, part);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(dataKey);
        }
    }

    private async Task StreamAsync(HttpContext context, SealedReader reader, PlaybackGrant grant, MediaLinkClaims claims, PlaybackPart part)
    {
        var length = reader.PlainLength;
        var range = ParseRange(context.Request.Headers.Range.ToString(), length);
        if (range is { Satisfiable: false })
        {
            context.Response.Headers.ContentRange = $"bytes */{length}";
            await PlainAsync(context, StatusCodes.Status416RangeNotSatisfiable, "The range is outside the media.");
            return;
        }

        var (start, end) = range is { } r ? (r.Start, r.End) : (0L, length - 1);
        var buffer = ArrayPool<byte>.Shared.Rent(ChunkSize);
        try
        {
            // The first chunk is read (and authenticated) before any header goes out, so a damaged object is a clear error.
            var position = start;
            int read;
            try
            {
                read = length == 0 ? 0 : await reader.ReadAsync(position, buffer.AsMemory(0, (int)Math.Min(ChunkSize, end - position + 1)), context.RequestAborted);
            }
            catch (SealedDataException e)
            {
                logger.LogError(e, "Recording {ItemId} of meeting {MeetingId}, part {Part}: the sealed data failed authentication", claims.ItemId, claims.MeetingId, part.Index);
                await PlainAsync(context, StatusCodes.Status502BadGateway, "The stored recording failed authentication (it was altered or damaged); nothing of it is served.");
                return;
            }

            context.Response.StatusCode = range is null ? StatusCodes.Status200OK : StatusCodes.Status206PartialContent;
            context.Response.ContentType = grant.ContentType;
            context.Response.ContentLength = end - start + 1;
            context.Response.Headers.AcceptRanges = "bytes";
            context.Response.Headers.XContentTypeOptions = "nosniff";
            if (range is not null)
            {
                context.Response.Headers.ContentRange = $"bytes {start}-{end}/{length}";
            }

            if (claims.Kind == MediaLinkKind.Export)
            {
                context.Response.Headers.ContentDisposition = $"attachment; filename=\"recording-{claims.ItemId:N}-{part.Index}{Extension(grant.ContentType)}\"";
            }

            while (read > 0)
            {
                await context.Response.Body.WriteAsync(buffer.AsMemory(0, read), context.RequestAborted);
                position += read;
                if (position > end)
                {
                    break;
                }

                try
                {
                    read = await reader.ReadAsync(position, buffer.AsMemory(0, (int)Math.Min(ChunkSize, end - position + 1)), context.RequestAborted);
                }
                catch (SealedDataException e)
                {
                    // The headers are out: the only honest signal left is a broken response, never garbage.
                    logger.LogError(e, "Recording {ItemId} of meeting {MeetingId}, part {Part}: the sealed data failed authentication at {Offset}; aborting",
                        claims.ItemId, claims.MeetingId, part.Index, position);
                    context.Abort();
                    return;
                }
            }
        }
        finally
        {
            CryptographicOperations.ZeroMemory(buffer.AsSpan(0, ChunkSize));
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>One range of "bytes=a-b", "bytes=a-" or "bytes=-n"; null (the whole) when absent or not
    /// understood (several ranges included: the whole is a valid answer to those).</summary>
    internal static ByteRange? ParseRange(string? header, long length)
    {
        if (string.IsNullOrWhiteSpace(header) || !header.StartsWith("bytes=", StringComparison.OrdinalIgnoreCase) || header.Contains(','))
        {
            return null;
        }

        var spec = header.AsSpan(6).Trim();
        var dash = spec.IndexOf('-');
        if (dash < 0)
        {
            return null;
        }

        var first = spec[..dash].Trim();
        var last = spec[(dash + 1)..].Trim();
        if (first.IsEmpty)
        {
            if (!long.TryParse(last, NumberStyles.None, CultureInfo.InvariantCulture, out var suffix) || suffix == 0)
            {
                return last.IsEmpty ? null : new ByteRange(0, 0, false);
            }

            return length == 0 ? new ByteRange(0, 0, false) : new ByteRange(Math.Max(0, length - suffix), length - 1, true);
        }

        if (!long.TryParse(first, NumberStyles.None, CultureInfo.InvariantCulture, out var start))
        {
            return null;
        }

        long end = length - 1;
        if (!last.IsEmpty && (!long.TryParse(last, NumberStyles.None, CultureInfo.InvariantCulture, out end) || end < start))
        {
            return null;
        }

        return start >= length ? new ByteRange(0, 0, false) : new ByteRange(start, Math.Min(end, length - 1), true);
    }

    internal readonly record struct ByteRange(long Start, long End, bool Satisfiable);

    private static string Extension(string contentType) => contentType switch
    {
        "video/mp4" or "audio/mp4" => ".mp4",
        "audio/ogg" => ".ogg",
        "video/webm" or "audio/webm" => ".webm",
        _ => "",
    };

    private static Task PlainAsync(HttpContext context, int status, string message)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "text/plain; charset=utf-8";
        return context.Response.WriteAsync(message + "\n");
    }
}
