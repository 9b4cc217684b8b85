using Orleans.Concurrency;
using Sparkle.Grains.Identity;
using Sparkle.Grains.Plans;
using Sparkle.Grains.Security;

namespace Sparkle.Grains.Listings;

/// <summary>Reads list pages from the listing index. It lives in the silo, not the API host, so that the rule
/// of who sees which meeting is decided by the same code as the catalog's (<see cref="MeetingAudience"/>)
/// and the SQL has one owner; it holds no state, so any silo answers.</summary>
[StatelessWorker]
public sealed class ListingGrain : Grain, IListingGrain
{
    public const int MaxPage = 200;

    private Guid TenantId => this.GetPrimaryKey();

    public async Task<ListingPage<Guid>> ListMeetingsAsync(Caller caller, MeetingListQuery query, int first, ListingPosition? after)
    {
        ArgumentNullException.ThrowIfNull(query);
        var (all, number) = await MeetingAudience.OfAsync(GrainFactory, TenantId, caller);
        if (!all && number.Length == 0)
        {
            return new ListingPage<Guid>([], false, 0);
        }

        // A catalog older than the index fills it when it activates.
        await GrainFactory.GetGrain<ITenantCatalogGrain>(TenantId).EnsureListedAsync();
        return await ServiceProvider.ListingIndex().QueryMeetingsAsync(TenantId, query, all ? null : number, Clamp(first), after);
    }

    public async Task<ListingPage<string>> ListUsersAsync(Caller caller, UserListQuery query, int first, ListingPosition? after)
    {
        ArgumentNullException.ThrowIfNull(query);
        await Access.DemandAsync(GrainFactory, TenantId, caller, Operation.ViewUsers);
        return await ServiceProvider.ListingIndex().QueryUsersAsync(TenantId, query, Clamp(first), after);
    }

    private static int Clamp(int first) =>
        first is >= 0 and <= MaxPage ? first : throw new ValidationException($"first must be 0 to {MaxPage}.");
}
