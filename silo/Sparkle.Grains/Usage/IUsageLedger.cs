using Sparkle.Grains.Listings;

namespace Sparkle.Grains.Usage;

/// <summary>The append-only usage tables (PostgreSQL in the silo: infra/sql/postgresql/50-usage.sql). Appends are
/// idempotent on the row's own id, so a retry after a lost acknowledgement writes nothing twice.</summary>
public interface IUsageLedger
{
    Task AppendLegsAsync(IReadOnlyList<LegUsageRecord> legs, CancellationToken cancellationToken = default);

    Task AppendRecordingsAsync(IReadOnlyList<RecordingUsageRecord> parts, CancellationToken cancellationToken = default);

    /// <summary>Legs that started in [from, to), by (start, leg id); <paramref name="tenantId"/> null: every tenant.</summary>
    Task<LegUsagePage> QueryLegsAsync(Guid? tenantId, DateTimeOffset from, DateTimeOffset to, int first, ListingPosition? after);

    /// <summary>One row per UTC day in [from, to], zeros for days without use.</summary>
    Task<IReadOnlyList<TenantDailyUsage>> DailyAsync(Guid tenantId, DateOnly from, DateOnly to);
}

/// <summary>No ledger (behaviour tests on memory storage): queries fail loudly; nothing is written (no writer is made).</summary>
public sealed class NullUsageLedger : IUsageLedger
{
    public static readonly NullUsageLedger Instance = new();

    public Task AppendLegsAsync(IReadOnlyList<LegUsageRecord> legs, CancellationToken cancellationToken = default) => Task.CompletedTask;

    public Task AppendRecordingsAsync(IReadOnlyList<RecordingUsageRecord> parts, CancellationToken cancellationToken = default) => Task.CompletedTask;

    public Task<LegUsagePage> QueryLegsAsync(Guid? tenantId, DateTimeOffset from, DateTimeOffset to, int first, ListingPosition? after) =>
        throw new InvalidOperationException("This silo has no usage ledger.");

    public Task<IReadOnlyList<TenantDailyUsage>> DailyAsync(Guid tenantId, DateOnly from, DateOnly to) =>
        throw new InvalidOperationException("This silo has no usage ledger.");
}
