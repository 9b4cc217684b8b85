using System.Globalization;
using System.Text;
using Sparkle.Grains.Identity;
using Sparkle.Grains.Listings;
using Sparkle.Grains.Usage;
using Sparkle.GraphQL.Identity;

namespace Sparkle.GraphQL.Usage;

/// <summary>CSV exports of usage, with the same bearer token and the same rights as the GraphQL fields (the usage grain
/// decides): <c>GET /usage/legs.csv?from=&amp;to=[&amp;tenantId=]</c> (ISO 8601 instants, legs that started in [from, to))
/// and <c>GET /usage/daily.csv?from=&amp;to=[&amp;tenantId=]</c> (dates, inclusive). Legs are streamed page by page, so an
/// export of a busy month never sits whole in memory. RFC 4180: CRLF line ends, fields with a comma, quote or line break
/// quoted, quotes doubled. Errors before the first byte are plain-text 400/401/403/404; another tenant is 404.</summary>
public sealed class UsageCsvEndpoint(CallerMapper callers, IGrainFactory grains)
{
    private const int PageSize = 500;

    public const string LegHeader = "id,tenant_id,meeting_id,participant_id,uri,display_name,direction,transport,audio_codec,video_codec,srtp,"
        + "started_at,ended_at,duration_seconds,packets_received,packets_lost,packet_loss,jitter_ms,mos,ims_charging_id";

    public const string DailyHeader = "tenant_id,day,meetings,participant_minutes,peak_concurrency,recording_minutes,recording_bytes";

    public Task LegsAsync(HttpContext context) => RunAsync(context, async (caller, grain) =>
    {
        if (!TryInstant(context, "from", out var from) || !TryInstant(context, "to", out var to))
        {
            return Results.BadRequest("from and to are required ISO 8601 instants, e.g. 2026-03-01T00:00:00Z.");
        }

        // The first page is read before the response starts, so a refusal is still a status code.
        var page = await grain.ListLegsAsync(caller, from, to, PageSize, null);
        return new StreamedCsv("usage-legs.csv", LegHeader, async writer =>
        {
            while (true)
            {
                foreach (var leg in page.Items)
                {
                    await writer.WriteAsync(LegRow(leg));
                }

                await writer.FlushAsync(context.RequestAborted);
                if (!page.HasNextPage)
                {
                    return;
                }

                page = await grain.ListLegsAsync(caller, from, to, PageSize, page.Positions[^1]);
            }
        });
    });

    public Task DailyAsync(HttpContext context) => RunAsync(context, async (caller, grain) =>
    {
        if (!TryDate(context, "from", out var from) || !TryDate(context, "to", out var to))
        {
            return Results.BadRequest("from and to are required dates, e.g. 2026-03-01.");
        }

        var days = await grain.DailyAsync(caller, from, to);
        return new StreamedCsv("usage-daily.csv", DailyHeader, async writer =>
        {
            foreach (var day in days)
            {
                await writer.WriteAsync(Row(day.TenantId.ToString("D"), day.Day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                    Number(day.Meetings), Number(day.ParticipantMinutes), Number(day.PeakConcurrency), Number(day.RecordingMinutes),
                    Number(day.RecordingBytes)));
            }
        });
    });

    private async Task RunAsync(HttpContext context, Func<Caller, IUsageGrain, Task<IResult>> export)
    {
        context.Response.Headers.CacheControl = "private, no-store";
        IResult result;
        if (callers.Map(context.User) is not { } caller)
        {
            context.Response.Headers.WWWAuthenticate = "Bearer";
            result = Results.Text("Authentication required: send a valid bearer token.", statusCode: StatusCodes.Status401Unauthorized);
        }
        else if (!TryTenant(context, caller, out var tenantId))
        {
            result = Results.BadRequest("tenantId is not an id.");
        }
        else
        {
            try
            {
                result = await export(caller, grains.GetGrain<IUsageGrain>(tenantId));
            }
            catch (NotFoundException)
            {
                result = Results.Text("Not found.", statusCode: StatusCodes.Status404NotFound);
            }
            catch (AccessDeniedException)
            {
                result = Results.Text("Tenant owners and managers (and the platform operator) read usage.", statusCode: StatusCodes.Status403Forbidden);
            }
            catch (ValidationException e)
            {
                result = Results.BadRequest(e.Message);
            }
        }

        await result.ExecuteAsync(context);
    }

    private static bool TryTenant(HttpContext context, Caller caller, out Guid tenantId)
    {
        var text = context.Request.Query["tenantId"].ToString();
        if (text.Length == 0)
        {
            tenantId = caller.TenantId;
            return true;
        }

        return Guid.TryParse(text, out tenantId);
    }

    private static bool TryInstant(HttpContext context, string name, out DateTimeOffset value) =>
        DateTimeOffset.TryParse(context.Request.Query[name].ToString(), CultureInfo.InvariantCulture,
            DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out value);

    private static bool TryDate(HttpContext context, string name, out DateOnly value) =>
        DateOnly.TryParseExact(context.Request.Query[name].ToString(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out value);

    public static string LegRow(LegUsageRecord leg) => Row(
        leg.LegId.ToString("D"), leg.TenantId.ToString("D"), leg.MeetingId.ToString("D"), leg.ParticipantId, leg.Uri, leg.DisplayName,
        leg.Direction switch { LegDirection.DialOut => "dial-out", LegDirection.WebRtc => "webrtc", _ => "dial-in" },
        leg.Transport, leg.AudioCodec, leg.VideoCodec, leg.Srtp ? "true" : "false",
        Instant(leg.StartedAt), Instant(leg.EndedAt), Number(leg.DurationSeconds), Number(leg.PacketsReceived), Number(leg.PacketsLost),
        Number(leg.LossFraction), Number(leg.JitterMs), Number(leg.Mos), leg.ImsChargingId);

    /// <summary>One RFC 4180 record with its CRLF.</summary>
    public static string Row(params string?[] fields)
    {
        var line = new StringBuilder();
        for (var i = 0; i < fields.Length; i++)
        {
            if (i > 0)
            {
                line.Append(',');
            }

            var field = fields[i] ?? "";
            if (field.AsSpan().IndexOfAny(",\"\r\n") >= 0)
            {
                line.Append('"').Append(field.Replace("\"", "\"\"", StringComparison.Ordinal)).Append('"');
            }
            else
            {
                line.Append(field);
            }
        }

        return line.Append("\r\n").ToString();
    }

    private static string Instant(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);

    private static string? Number<T>(T? value)
        where T : struct, IFormattable => value?.ToString(null, CultureInfo.InvariantCulture);

    private static string Number<T>(T value)
        where T : struct, IFormattable => value.ToString(null, CultureInfo.InvariantCulture);

    /// <summary>A text/csv response written as it is produced.</summary>
    private sealed class StreamedCsv(string fileName, string header, Func<StreamWriter, Task> writeRows) : IResult
    {
        public async Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.StatusCode = StatusCodes.Status200OK;
            httpContext.Response.ContentType = "text/csv; charset=utf-8; header=present";
            httpContext.Response.Headers.ContentDisposition = $"attachment; filename=\"{fileName}\"";
            await using var writer = new StreamWriter(httpContext.Response.Body, new UTF8Encoding(false), 16 * 1024, leaveOpen: true);
            await writer.WriteAsync(header + "\r\n");
            await writeRows(writer);
            await writer.FlushAsync(httpContext.RequestAborted);
        }
    }
}

public static class UsageServiceExtensions
{
    public static IServiceCollection AddSparkleUsageExport(this IServiceCollection services)
    {
        services.AddSingleton<UsageCsvEndpoint>();
        return services;
    }

    public static IEndpointRouteBuilder MapSparkleUsageExport(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/usage/legs.csv", (HttpContext context, UsageCsvEndpoint endpoint) => endpoint.LegsAsync(context));
        endpoints.MapGet("/usage/daily.csv", (HttpContext context, UsageCsvEndpoint endpoint) => endpoint.DailyAsync(context));
        return endpoints;
    }
}
