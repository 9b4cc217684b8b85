using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Npgsql;
using Sparkle.Client;
using Sparkle.Grains.Usage;
using Sparkle.Silo.Usage;

namespace Sparkle.GraphQL.Tests;

/// <summary>Usage through the API over HTTP, on the real silo and ledger: the GraphQL fields (paged records, per-day
/// figures), the CSV exports with the same bearer token and rights, and the SDK's methods. The rows are written into the
/// cluster's ledger directly, in 2031 so no other test's meetings fall in the period.</summary>
[Collection(ApiCollection.Name)]
public sealed class UsageApiTests(ApiFixture api)
{
    // Each test its own day: the rows stay (append-only) and the collection's tests share one ledger.
    private static readonly DateTimeOffset Day = new(2031, 2, 3, 0, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset OperatorDay = new(2031, 3, 3, 0, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset CsvDay = new(2031, 4, 3, 0, 0, 0, TimeSpan.Zero);

    private async Task<(LegUsageRecord[] Demo, LegUsageRecord Demo2)> SeedAsync(DateTimeOffset day)
    {
        await using var ledger = new PostgresUsageLedger(NpgsqlDataSource.Create(api.Cluster.PostgresConnectionString), api.Cluster.ServiceId);
        var meeting = Guid.NewGuid();
        var demo = new[]
        {
            Leg(api.Demo.Demo.Id, meeting, "p1", "Ann", day.AddHours(9), 600),
            Leg(api.Demo.Demo.Id, meeting, "p2", "Smith, \"Bob\"", day.AddHours(9).AddMinutes(1), 300),
            Leg(api.Demo.Demo.Id, meeting, "p3", "Cy", day.AddHours(9).AddMinutes(2), 120),
        };
        var demo2 = Leg(api.Demo.Demo2.Id, Guid.NewGuid(), "q1", "Other", day.AddHours(9), 60);
        await ledger.AppendLegsAsync([.. demo, demo2]);
        return (demo, demo2);
    }

    [Fact]
    public async Task OwnersAndManagersPageTheirTenantsRecordsAndDays()
    {
        var (demo, _) = await SeedAsync(Day);
        foreach (var user in new[] { api.Demo.Demo.Owner, api.Demo.Demo.Manager })
        {
            var client = api.Client(user);
            var first = await client.ListUsageRecordsAsync(Day, Day.AddDays(1), first: 2);
            Assert.Equal(3, first.TotalCount);
            Assert.True(first.HasNextPage);
            var second = await client.ListUsageRecordsAsync(Day, Day.AddDays(1), first: 2, after: first.EndCursor);
            Assert.False(second.HasNextPage);
            var all = first.Items.Concat(second.Items).ToList();
            Assert.Equal(demo.Select(l => l.LegId), all.Select(r => r.Id));
            var bob = all[1];
            Assert.Equal(("Smith, \"Bob\"", 300, Sparkle.Client.LegDirection.DialIn, "tls", "opus", true, 4.2, 0.01), (bob.DisplayName, bob.DurationSeconds, bob.Direction,
                bob.Transport, bob.AudioCodec, bob.Srtp, bob.Mos, bob.PacketLoss));
            Assert.Null(bob.ImsChargingId);

            var days = await client.GetTenantUsageAsync(DateOnly.FromDateTime(Day.UtcDateTime), DateOnly.FromDateTime(Day.UtcDateTime).AddDays(1));
            Assert.Equal(
                [new TenantDayUsage(api.Demo.Demo.Id, new DateOnly(2031, 2, 3), 1, 17, 3, 0, 0), new TenantDayUsage(api.Demo.Demo.Id, new DateOnly(2031, 2, 4), 0, 0, 0, 0, 0)],
                days);
        }
    }

    [Fact]
    public async Task TheOperatorReadsAnyTenantAndOtherTenantsFindNothing()
    {
        var day = OperatorDay;
        var (demo, demo2) = await SeedAsync(day);
        var op = api.Client(api.Demo.OperatorToken);
        var named = await op.ListUsageRecordsAsync(day, day.AddDays(1), api.Demo.Demo.Id, first: 50);
        Assert.Equal(demo.Select(l => l.LegId), named.Items.Select(r => r.Id));
        var every = await op.ListUsageRecordsAsync(day, day.AddDays(1), first: 50);
        Assert.Equal(demo.Select(l => l.LegId).Append(demo2.LegId).ToHashSet(), every.Items.Select(r => r.Id).ToHashSet());
        Assert.Equal(17, (await op.GetTenantUsageAsync(new DateOnly(2031, 3, 3), new DateOnly(2031, 3, 3), api.Demo.Demo.Id))[0].ParticipantMinutes);

        // demo2's owner: their own tenant only; naming demo is NOT_FOUND, never FORBIDDEN.
        var other = api.Client(api.Demo.Demo2.Owner);
        Assert.Equal([demo2.LegId], (await other.ListUsageRecordsAsync(day, day.AddDays(1))).Items.Select(r => r.Id));
        var refused = await Assert.ThrowsAsync<SparkleApiException>(() => other.ListUsageRecordsAsync(day, day.AddDays(1), api.Demo.Demo.Id));
        Assert.Equal("NOT_FOUND", refused.Code);
        refused = await Assert.ThrowsAsync<SparkleApiException>(() => other.GetTenantUsageAsync(new DateOnly(2031, 3, 3), new DateOnly(2031, 3, 3), api.Demo.Demo.Id));
        Assert.Equal("NOT_FOUND", refused.Code);

        // A plain member of demo is refused.
        refused = await Assert.ThrowsAsync<SparkleApiException>(() => api.Client(api.Demo.Demo.Member).ListUsageRecordsAsync(day, day.AddDays(1)));
        Assert.Equal("FORBIDDEN", refused.Code);
    }

    [Fact]
    public async Task CsvExportsStreamRfc4180WithTheSameRights()
    {
        var day = CsvDay;
        var (demo, _) = await SeedAsync(day);
        var query = "?from=2031-04-03T00:00:00Z&to=2031-04-04T00:00:00Z";
        var (status, csv) = await GetAsync("/usage/legs.csv" + query, api.Demo.Demo.Owner.Token);
        Assert.Equal(HttpStatusCode.OK, status);
        var lines = csv.Split("\r\n");
        Assert.Equal(Sparkle.GraphQL.Usage.UsageCsvEndpoint.LegHeader, lines[0]);
        Assert.Equal(5, lines.Length); // header, three legs, and the empty remainder after the last CRLF
        Assert.Equal("", lines[^1]);
        Assert.StartsWith($"{demo[1].LegId:D},{api.Demo.Demo.Id:D},{demo[1].MeetingId:D},p2,sip:p2@example.test,\"Smith, \"\"Bob\"\"\",dial-in,tls,opus,,true,"
            + "2031-04-03T09:01:00.000000Z,2031-04-03T09:06:00.000000Z,300,", lines[2], StringComparison.Ordinal);
        Assert.EndsWith(",0.01,3.5,4.2,", lines[2], StringComparison.Ordinal);

        (status, csv) = await GetAsync("/usage/daily.csv?from=2031-04-03&to=2031-04-04", api.Demo.Demo.Manager.Token);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(Sparkle.GraphQL.Usage.UsageCsvEndpoint.DailyHeader + "\r\n"
            + $"{api.Demo.Demo.Id:D},2031-04-03,1,17,3,0,0\r\n{api.Demo.Demo.Id:D},2031-04-04,0,0,0,0,0\r\n", csv);

        // The SDK streams the same bytes.
        using var copy = new MemoryStream();
        await api.Client(api.Demo.OperatorToken).ExportUsageCsvAsync(UsageExport.Daily, day, day.AddDays(1), copy, api.Demo.Demo.Id);
        Assert.Equal(csv, Encoding.UTF8.GetString(copy.ToArray()));

        Assert.Equal(HttpStatusCode.NotFound, (await GetAsync($"/usage/legs.csv{query}&tenantId={api.Demo.Demo.Id:D}", api.Demo.Demo2.Owner.Token)).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await GetAsync("/usage/legs.csv" + query, api.Demo.Demo.Member.Token)).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await GetAsync("/usage/legs.csv" + query, null)).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await GetAsync("/usage/legs.csv?from=yesterday&to=today", api.Demo.Demo.Owner.Token)).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await GetAsync("/usage/daily.csv?from=2031-04-04&to=2031-04-03", api.Demo.Demo.Owner.Token)).Status);
    }

    private async Task<(HttpStatusCode Status, string Body)> GetAsync(string pathAndQuery, string? token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(api.Endpoint, pathAndQuery));
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        using var response = await api.Http.SendAsync(request);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    private static LegUsageRecord Leg(Guid tenant, Guid meeting, string participant, string name, DateTimeOffset start, int seconds) =>
        new(LegUsage.LegIdOf(meeting, participant, start), tenant, meeting, participant, $"sip:{participant}@example.test", name,
            Sparkle.Grains.Usage.LegDirection.DialIn, "tls", "opus", null, true, start, start.AddSeconds(seconds), seconds, 1000, 10, 0.01, 3.5, 4.2, null);
}
