using System.Net;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Sparkle.Grains.Tests.Infrastructure;
using Sparkle.Grains.Tests.Postgres;
using Sparkle.Grains.Usage;
using Sparkle.Silo.Usage;

namespace Sparkle.Grains.Tests.Usage;

/// <summary>The background writer against the real PostgreSQL reached through a relay the test cuts: a record written
/// while the database is away is kept and arrives once it is back; a full queue refuses new records rather than
/// growing.</summary>
[Collection(UsageCollection.Name)]
public sealed class UsageWriterTests(UsageFixture fixture)
{
    private static readonly DateTimeOffset Start = new(2026, 4, 2, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task ARecordWrittenWhilePostgresIsAwayArrivesWhenItIsBack()
    {
        var pg = new NpgsqlConnectionStringBuilder(PostgresSilo.ConnectionString);
        var target = new IPEndPoint(
            IPAddress.TryParse(pg.Host, out var address) ? address : (await Dns.GetHostAddressesAsync(pg.Host!))[0], pg.Port);
        await using var relay = new TcpForwarder(target);
        var viaRelay = new NpgsqlConnectionStringBuilder(PostgresSilo.ConnectionString) { Host = "127.0.0.1", Port = relay.Port, Timeout = 2 };
        await using var ledger = new PostgresUsageLedger(NpgsqlDataSource.Create(viaRelay.ConnectionString), UsageFixture.ServiceId);
        await using var writer = new UsageWriter(ledger, NullLogger<UsageWriter>.Instance,
            new UsageWriterOptions { FirstRetryDelay = TimeSpan.FromMilliseconds(100), MaxRetryDelay = TimeSpan.FromMilliseconds(400) });
        var tenant = Guid.NewGuid();
        var before = UsageLedgerTests.Leg(tenant, Guid.NewGuid(), "before", Start, TimeSpan.FromMinutes(3));
        var during = UsageLedgerTests.Leg(tenant, Guid.NewGuid(), "during", Start.AddMinutes(1), TimeSpan.FromMinutes(4));

        // Connected once, so the cut also breaks a pooled connection.
        Assert.True(writer.Enqueue(before));
        await Eventually.WaitAsync(() => writer.Pending == 0, "the first record to be written");

        relay.Cut();
        Assert.True(writer.Enqueue(during));
        // The writer keeps failing while the relay is cut (each attempt is refused); the record stays queued.
        await Eventually.WaitAsync(() => Task.FromResult(writer.Pending), p => p == 1, "the record to wait in the queue");
        Assert.Equal([before.LegId], await LegIdsAsync(tenant)); // read around the relay: not there yet

        relay.Restore();
        await Eventually.WaitAsync(() => writer.Pending == 0, "the queued record to be written after PostgreSQL came back");
        Assert.Equal([before.LegId, during.LegId], await LegIdsAsync(tenant));
    }

    [Fact]
    public async Task AFullQueueRefusesNewRecordsInsteadOfGrowing()
    {
        // A ledger that never answers: the first record is taken and retried, the next two fill the queue of 2.
        var ledger = new StuckLedger();
        await using var writer = new UsageWriter(ledger, NullLogger<UsageWriter>.Instance,
            new UsageWriterOptions { Capacity = 2, FlushOnStop = TimeSpan.FromMilliseconds(100) });
        var tenant = Guid.NewGuid();
        Assert.True(writer.Enqueue(UsageLedgerTests.Leg(tenant, Guid.NewGuid(), "1", Start, TimeSpan.FromMinutes(1))));
        await Eventually.WaitAsync(() => ledger.Attempts > 0, "the writer to take the first record");
        Assert.True(writer.Enqueue(UsageLedgerTests.Leg(tenant, Guid.NewGuid(), "2", Start, TimeSpan.FromMinutes(1))));
        Assert.True(writer.Enqueue(UsageLedgerTests.Leg(tenant, Guid.NewGuid(), "3", Start, TimeSpan.FromMinutes(1))));
        Assert.False(writer.Enqueue(UsageLedgerTests.Leg(tenant, Guid.NewGuid(), "4", Start, TimeSpan.FromMinutes(1))));
        Assert.Equal(3, writer.Pending);
    }

    private async Task<List<Guid>> LegIdsAsync(Guid tenant) =>
        (await fixture.Ledger.QueryLegsAsync(tenant, Start, Start.AddDays(1), 10, null)).Items.Select(l => l.LegId).ToList();

    private sealed class StuckLedger : IUsageLedger
    {
        private int _attempts;

        public int Attempts => Volatile.Read(ref _attempts);

        public async Task AppendLegsAsync(IReadOnlyList<LegUsageRecord> legs, CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref _attempts);
            await Task.Delay(Timeout.Infinite, cancellationToken);
        }

        public Task AppendRecordingsAsync(IReadOnlyList<RecordingUsageRecord> parts, CancellationToken cancellationToken = default) =>
            Task.CompletedTask;

        public Task<Sparkle.Grains.Usage.LegUsagePage> QueryLegsAsync(Guid? tenantId, DateTimeOffset from, DateTimeOffset to, int first,
            Sparkle.Grains.Listings.ListingPosition? after) => throw new NotSupportedException();

        public Task<IReadOnlyList<TenantDailyUsage>> DailyAsync(Guid tenantId, DateOnly from, DateOnly to) => throw new NotSupportedException();
    }
}
