using System.Globalization;
using System.Net.Http.Headers;

namespace Sparkle.Client;

/// <summary>Usage records and per-day figures (tenant owners and managers for their tenant; the operator any tenant).</summary>
public sealed partial class SparkleClient
{
    private const string UsageRecordFields = "id tenantId meetingId participantId uri displayName startedAt endedAt durationSeconds direction transport "
        + "audioCodec videoCodec srtp packetsReceived packetsLost packetLoss jitterMs mos imsChargingId";

    /// <summary>One page of the call legs that started in [from, to), oldest first. <paramref name="tenantId"/>: the caller's
    /// tenant when null (for the operator: every tenant).</summary>
    public async Task<Page<UsageRecord>> ListUsageRecordsAsync(DateTimeOffset from, DateTimeOffset to, Guid? tenantId = null, int first = 50,
        string? after = null, CancellationToken cancellationToken = default) =>
        ToPage((await ExecuteAsync(
            "query($t: ID, $from: DateTimeOffset!, $to: DateTimeOffset!, $f: Int, $a: String) { "
            + $"usageRecords(tenantId: $t, from: $from, to: $to, first: $f, after: $a) {{ nodes {{ {UsageRecordFields} }} {PageFields} }} }}",
            new { t = tenantId, from, to, f = first, a = after },
            cancellationToken: cancellationToken)).Get<Connection<UsageRecord>>("usageRecords"));

    /// <summary>The tenant's usage per UTC day, <paramref name="from"/> to <paramref name="to"/> inclusive.</summary>
    public async Task<IReadOnlyList<TenantDayUsage>> GetTenantUsageAsync(DateOnly from, DateOnly to, Guid? tenantId = null,
        CancellationToken cancellationToken = default) =>
        (await ExecuteAsync(
            "query($t: ID, $from: DateOnly!, $to: DateOnly!) { tenantUsage(tenantId: $t, from: $from, to: $to) { "
            + "tenantId day meetings participantMinutes peakConcurrency recordingMinutes recordingBytes } }",
            new { t = tenantId, from = from.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), to = to.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) },
            cancellationToken: cancellationToken)).Get<List<TenantDayUsage>>("tenantUsage");

    /// <summary>Copies a CSV export (RFC 4180, with a header line) into <paramref name="destination"/> as it streams in.
    /// <paramref name="from"/> and <paramref name="to"/> are instants for <see cref="UsageExport.Legs"/> and dates (their UTC day)
    /// for <see cref="UsageExport.Daily"/>.</summary>
    public async Task ExportUsageCsvAsync(UsageExport export, DateTimeOffset from, DateTimeOffset to, Stream destination, Guid? tenantId = null,
        CancellationToken cancellationToken = default)
    {
        var (path, format) = export == UsageExport.Legs
            ? ("/usage/legs.csv", "yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'")
            : ("/usage/daily.csv", "yyyy-MM-dd");
        var query = $"?from={Uri.EscapeDataString(from.UtcDateTime.ToString(format, CultureInfo.InvariantCulture))}"
            + $"&to={Uri.EscapeDataString(to.UtcDateTime.ToString(format, CultureInfo.InvariantCulture))}"
            + (tenantId is { } t ? $"&tenantId={t:D}" : "");
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(Endpoint, path + query));
        if (Token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Token);
        }

        using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            var message = await response.Content.ReadAsStringAsync(cancellationToken);
            var code = response.StatusCode switch
            {
                System.Net.HttpStatusCode.Unauthorized => "UNAUTHENTICATED",
                System.Net.HttpStatusCode.Forbidden => "FORBIDDEN",
                System.Net.HttpStatusCode.NotFound => "NOT_FOUND",
                _ => "BAD_USER_INPUT",
            };
            throw new SparkleApiException($"The usage export failed ({(int)response.StatusCode}): {message}", code, []);
        }

        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
        await body.CopyToAsync(destination, cancellationToken);
    }
}
