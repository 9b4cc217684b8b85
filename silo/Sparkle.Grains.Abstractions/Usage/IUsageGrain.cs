using Sparkle.Grains.Identity;
using Sparkle.Grains.Listings;

namespace Sparkle.Grains.Usage;

/// <summary>Reads usage records and per-day figures from the usage ledger (PostgreSQL), after the rights check: the tenant's
/// owners and managers see their tenant, the platform operator any tenant; anyone else of another tenant gets NotFound.
/// Key: the tenant id, or <see cref="Guid.Empty"/> for every tenant's leg records (the operator only). A stateless worker.</summary>
public interface IUsageGrain : IGrainWithGuidKey
{
    /// <summary>Legs that started in [from, to), oldest first, one page.</summary>
    Task<LegUsagePage> ListLegsAsync(Caller caller, DateTimeOffset from, DateTimeOffset to, int first, ListingPosition? after);

    /// <summary>One row per UTC day from <paramref name="from"/> to <paramref name="to"/> inclusive (days without use: zeros).</summary>
    Task<IReadOnlyList<TenantDailyUsage>> DailyAsync(Caller caller, DateOnly from, DateOnly to);
}
