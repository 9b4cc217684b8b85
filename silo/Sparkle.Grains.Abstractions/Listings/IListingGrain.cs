using Sparkle.Grains.Identity;

namespace Sparkle.Grains.Listings;

/// <summary>Pages of a tenant's lists, read from the listing index by keyset (never every grain). Rights are
/// decided here with the same rules as the catalogs; details come from the grains afterwards, which check
/// again. Key: the tenant id (a stateless worker: any silo, several at once).</summary>
public interface IListingGrain : IGrainWithGuidKey
{
    /// <summary>The meetings the caller may see (managers: all; others: owned or invited), one page.</summary>
    Task<ListingPage<Guid>> ListMeetingsAsync(Caller caller, MeetingListQuery query, int first, ListingPosition? after);

    /// <summary>The tenant's users (numbers), one page.</summary>
    Task<ListingPage<string>> ListUsersAsync(Caller caller, UserListQuery query, int first, ListingPosition? after);
}
