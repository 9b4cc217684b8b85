using Npgsql;
using Sparkle.Grains.Listings;
using Sparkle.Grains.Tests.Postgres;
using Sparkle.Grains.Usage;

namespace Sparkle.Grains.Tests.Usage;

/// <summary>The usage ledger on the real PostgreSQL: rows only ever added (the database refuses changes), each leg once
/// across pages, and the per-day figures (minutes, meetings, peak concurrency, recordings) computed by SQL, including a
/// meeting that runs across midnight.</summary>
[Collection(UsageCollection.Name)]
public sealed class UsageLedgerTests(UsageFixture fixture)
{
    private static readonly DateTimeOffset Day1 = new(2026, 3, 10, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task TheTablesRefuseUpdatesAndDeletesAndAnAppendRetriedIsStoredOnce()
    {
        var tenant = Guid.NewGuid();
        var leg = Leg(tenant, Guid.NewGuid(), "p1", Day1.AddHours(9), TimeSpan.FromMinutes(5));
        await fixture.Ledger.AppendLegsAsync([leg]);
        await fixture.Ledger.AppendLegsAsync([leg]); // a retry after a lost acknowledgement
        await fixture.Ledger.AppendRecordingsAsync([new RecordingUsageRecord(Guid.NewGuid(), 0, tenant, leg.MeetingId, "mixed", Day1, 60, 1000)]);

        var page = await fixture.Ledger.QueryLegsAsync(tenant, Day1, Day1.AddDays(1), 10, null);
        Assert.Equal([leg], page.Items);

        await using var connection = new NpgsqlConnection(PostgresSilo.ConnectionString);
        await connection.OpenAsync();
        foreach (var sql in new[]
        {
            "UPDATE usage_legs SET duration_seconds = 1 WHERE tenant_id = @t",
            "DELETE FROM usage_legs WHERE tenant_id = @t",
            "UPDATE usage_recordings SET bytes = 1 WHERE tenant_id = @t",
            "DELETE FROM usage_recordings WHERE tenant_id = @t",
        })
        {
            await using var command = new NpgsqlCommand(sql, connection);
            command.Parameters.AddWithValue("t", tenant);
            var refused = await Assert.ThrowsAsync<PostgresException>(() => command.ExecuteNonQueryAsync());
            Assert.Contains("append-only", refused.MessageText, StringComparison.Ordinal);
        }

        Assert.Equal([leg], (await fixture.Ledger.QueryLegsAsync(tenant, Day1, Day1.AddDays(1), 10, null)).Items);
    }

    [Fact]
    public async Task PagesListEveryLegOnceInStartOrderAndOnlyTheTenantsAndPeriodsOwn()
    {
        var tenant = Guid.NewGuid();
        var meeting = Guid.NewGuid();
        // 23 legs, several starting at the same instant (the leg id breaks the tie), one outside the period.
        var legs = Enumerable.Range(0, 23)
            .Select(i => Leg(tenant, meeting, $"p{i}", Day1.AddHours(8).AddSeconds(i / 3), TimeSpan.FromSeconds(30 + i)))
            .ToList();
        await fixture.Ledger.AppendLegsAsync(legs);
        await fixture.Ledger.AppendLegsAsync([Leg(tenant, meeting, "late", Day1.AddDays(1), TimeSpan.FromMinutes(1))]);
        await fixture.Ledger.AppendLegsAsync([Leg(Guid.NewGuid(), meeting, "other tenant", Day1.AddHours(8), TimeSpan.FromMinutes(1))]);

        var seen = new List<LegUsageRecord>();
        ListingPosition? after = null;
        var pages = 0;
        do
        {
            var page = await fixture.Ledger.QueryLegsAsync(tenant, Day1, Day1.AddDays(1), 5, after);
            Assert.True(page.Items.Count <= 5);
            Assert.Equal(legs.Count, page.TotalCount);
            seen.AddRange(page.Items);
            after = page.HasNextPage ? page.Positions[^1] : null;
            pages++;
        }
        while (after is not null);

        Assert.Equal(5, pages);
        Assert.Equal(legs.OrderBy(l => l.StartedAt).ThenBy(l => l.LegId).Select(l => l.LegId), seen.Select(l => l.LegId));
        Assert.Equal(legs.ToHashSet(), seen.ToHashSet()); // every column comes back as written
    }

    [Fact]
    public async Task PerDayFiguresSplitAMeetingAcrossMidnightAndSweepThePeakConcurrency()
    {
        var tenant = Guid.NewGuid();
        var night = Guid.NewGuid();
        var morning = Guid.NewGuid();
        await fixture.Ledger.AppendLegsAsync(
        [
            // A meeting from 23:30 to 00:40: a 70-minute leg and a 20-minute one (23:50-00:10), both across midnight.
            Leg(tenant, night, "a", Day1.AddHours(23.5), TimeSpan.FromMinutes(70)),
            Leg(tenant, night, "b", Day1.AddHours(23).AddMinutes(50), TimeSpan.FromMinutes(20)),
            // Day 2, 09:00: three legs overlapping for a peak of 3 (09:10-09:20), then one that starts exactly when
            // another ends (no fourth at once), in another meeting.
            Leg(tenant, morning, "c", Day1.AddDays(1).AddHours(9), TimeSpan.FromMinutes(30)),
            Leg(tenant, morning, "d", Day1.AddDays(1).AddHours(9).AddMinutes(10), TimeSpan.FromMinutes(10)),
            Leg(tenant, morning, "e", Day1.AddDays(1).AddHours(9).AddMinutes(5), TimeSpan.FromMinutes(15)),
            Leg(tenant, morning, "f", Day1.AddDays(1).AddHours(9).AddMinutes(20), TimeSpan.FromMinutes(5)),
        ]);
        await fixture.Ledger.AppendRecordingsAsync(
        [
            new RecordingUsageRecord(Guid.NewGuid(), 0, tenant, morning, "mixed", Day1.AddDays(1).AddHours(9), 600, 4_000_000),
            new RecordingUsageRecord(Guid.NewGuid(), 0, tenant, morning, "audio", Day1.AddDays(1).AddHours(9).AddMinutes(10), 90, 500_000),
        ]);
        // Another tenant's use at the same times changes nothing here.
        await fixture.Ledger.AppendLegsAsync([Leg(Guid.NewGuid(), Guid.NewGuid(), "x", Day1.AddDays(1).AddHours(9), TimeSpan.FromMinutes(30))]);

        var days = await fixture.Ledger.DailyAsync(tenant, DateOnly.FromDateTime(Day1.UtcDateTime), DateOnly.FromDateTime(Day1.UtcDateTime).AddDays(2));

        Assert.Equal(3, days.Count);
        // Day 1: a 30 + b 10 minutes before midnight; both at once from 23:50.
        Assert.Equal(new TenantDailyUsage(tenant, new DateOnly(2026, 3, 10), 1, 40, 2, 0, 0), days[0]);
        // Day 2: a 40 + b 10 after midnight; c 30 + d 10 + e 15 + f 5; peak 3 (c, d, e from 09:10; f starts as d and e end).
        Assert.Equal(new TenantDailyUsage(tenant, new DateOnly(2026, 3, 11), 2, 110, 3, 11.5, 4_500_000), days[1]);
        // Day 3: nothing, shown as zeros.
        Assert.Equal(new TenantDailyUsage(tenant, new DateOnly(2026, 3, 12), 0, 0, 0, 0, 0), days[2]);
    }

    internal static LegUsageRecord Leg(Guid tenant, Guid meeting, string participant, DateTimeOffset start, TimeSpan length) =>
        new(LegUsage.LegIdOf(meeting, participant, start), tenant, meeting, participant, $"sip:{participant}@example.test", $"Caller, \"{participant}\"",
            LegDirection.DialIn, "udp", "PCMU", null, false, start, start + length, (int)length.TotalSeconds, 1000, 10, 0.01, 4.5, 4.3, null);
}
