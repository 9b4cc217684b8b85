using Microsoft.Extensions.DependencyInjection;
using Orleans.Concurrency;
using Sparkle.Grains.Identity;
using Sparkle.Grains.Listings;
using Sparkle.Grains.Security;

namespace Sparkle.Grains.Usage;

/// <summary>Reads the usage ledger for the API after the one rights check (<see cref="Access"/>): a tenant's owners and
/// managers read their tenant, the platform operator any tenant (and every tenant's legs at once, key
/// <see cref="Guid.Empty"/>); another tenant's users get NotFound, the tenant's members and participants AccessDenied.
/// Stateless: any silo answers, several at once.</summary>
[StatelessWorker]
public sealed class UsageGrain : Grain, IUsageGrain
{
    public const int MaxPage = 500;
    public const int MaxDays = 366;

    private Guid TenantId => this.GetPrimaryKey();

    private IUsageLedger Ledger => ServiceProvider.GetService<IUsageLedger>() ?? NullUsageLedger.Instance;

    public async Task<LegUsagePage> ListLegsAsync(Caller caller, DateTimeOffset from, DateTimeOffset to, int first, ListingPosition? after)
    {
        await DemandAsync(caller);
        if (to < from)
        {
            throw new ValidationException("'to' must not be before 'from'.");
        }

        if (first is < 0 or > MaxPage)
        {
            throw new ValidationException($"first must be 0 to {MaxPage}.");
        }

        return await Ledger.QueryLegsAsync(TenantId == Guid.Empty ? null : TenantId, from, to, first, after);
    }

    public async Task<IReadOnlyList<TenantDailyUsage>> DailyAsync(Caller caller, DateOnly from, DateOnly to)
    {
        await DemandAsync(caller);
        if (TenantId == Guid.Empty)
        {
            throw new ValidationException("Per-day usage is of one tenant: name it.");
        }

        if (to < from || to.DayNumber - from.DayNumber >= MaxDays)
        {
            throw new ValidationException($"'to' must be on or after 'from', at most {MaxDays} days in all.");
        }

        return await Ledger.DailyAsync(TenantId, from, to);
    }

    /// <summary>Every tenant's records are the operator's alone; a tenant's go through the usual check (another tenant: NotFound).</summary>
    private Task DemandAsync(Caller caller)
    {
        if (TenantId == Guid.Empty && caller?.Kind != CallerKind.PlatformOperator)
        {
            throw new NotFoundException("Not found.");
        }

        return Access.DemandAsync(GrainFactory, TenantId, caller, Operation.ViewUsage);
    }
}
