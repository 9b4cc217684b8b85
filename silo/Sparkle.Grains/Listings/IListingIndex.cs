using Sparkle.Grains.Identity;
using Sparkle.Grains.Meetings;

namespace Sparkle.Grains.Listings;

/// <summary>The listing index (PostgreSQL in the silo: infra/sql/postgresql/40-listings.sql). Writers are the
/// grains that own the data; every write is an idempotent upsert of the columns that writer owns.</summary>
public interface IListingIndex
{
    /// <summary>Who may see the meeting (the tenant catalog's call).</summary>
    Task SetMeetingAudienceAsync(Guid tenantId, Guid meetingId, string ownerNumber, IReadOnlyList<string> members);

    /// <summary>What the list shows and sorts by (the meeting grain's call).</summary>
    Task SetMeetingDetailsAsync(Guid tenantId, Guid meetingId, MeetingListing details);

    Task RemoveMeetingAsync(Guid tenantId, Guid meetingId);

    Task SetUsersAsync(Guid tenantId, IReadOnlyList<UserListing> users);

    Task RemoveUserAsync(Guid tenantId, string number);

    /// <summary>One page after <paramref name="after"/>; <paramref name="visibleTo"/> null lists every meeting.</summary>
    Task<ListingPage<Guid>> QueryMeetingsAsync(Guid tenantId, MeetingListQuery query, string? visibleTo, int first, ListingPosition? after);

    Task<ListingPage<string>> QueryUsersAsync(Guid tenantId, UserListQuery query, int first, ListingPosition? after);
}

public sealed record MeetingListing(string Title, MeetingStatus Status, DateTimeOffset CreatedAt);

public sealed record UserListing(string Number, string DisplayName, Role Role);

/// <summary>No index (behaviour tests on memory storage): writes vanish, queries fail loudly.</summary>
public sealed class NullListingIndex : IListingIndex
{
    public static readonly NullListingIndex Instance = new();

    public Task SetMeetingAudienceAsync(Guid tenantId, Guid meetingId, string ownerNumber, IReadOnlyList<string> members) => Task.CompletedTask;
    public Task SetMeetingDetailsAsync(Guid tenantId, Guid meetingId, MeetingListing details) => Task.CompletedTask;
    public Task RemoveMeetingAsync(Guid tenantId, Guid meetingId) => Task.CompletedTask;
    public Task SetUsersAsync(Guid tenantId, IReadOnlyList<UserListing> users) => Task.CompletedTask;
    public Task RemoveUserAsync(Guid tenantId, string number) => Task.CompletedTask;

    public Task<ListingPage<Guid>> QueryMeetingsAsync(Guid tenantId, MeetingListQuery query, string? visibleTo, int first, ListingPosition? after) =>
        throw new InvalidOperationException("This silo has no listing index.");

    public Task<ListingPage<string>> QueryUsersAsync(Guid tenantId, UserListQuery query, int first, ListingPosition? after) =>
        throw new InvalidOperationException("This silo has no listing index.");
}

internal static class ListingIndexExtensions
{
    /// <summary>The silo's index, or none in silos configured without one.</summary>
    public static IListingIndex ListingIndex(this IServiceProvider services) =>
        (IListingIndex?)services.GetService(typeof(IListingIndex)) ?? NullListingIndex.Instance;
}
