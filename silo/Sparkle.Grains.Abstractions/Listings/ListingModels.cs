using Sparkle.Grains.Identity;
using Sparkle.Grains.Meetings;

namespace Sparkle.Grains.Listings;

public enum MeetingOrder
{
    CreatedDesc = 0,
    CreatedAsc = 1,
    TitleAsc = 2,
}

public enum UserOrder
{
    NumberAsc = 0,
    NameAsc = 1,
}

/// <summary>Filters of a meeting list; null means "any".</summary>
[GenerateSerializer, Immutable]
public sealed record MeetingListQuery(
    [property: Id(0)] string? TitleContains = null,
    [property: Id(1)] MeetingStatus? Status = null,
    [property: Id(2)] DateTimeOffset? CreatedFrom = null,
    [property: Id(3)] DateTimeOffset? CreatedTo = null,
    [property: Id(4)] MeetingOrder OrderBy = MeetingOrder.CreatedDesc);

/// <summary>Filters of a user list; <see cref="Search"/> matches the number or the display name.</summary>
[GenerateSerializer, Immutable]
public sealed record UserListQuery(
    [property: Id(0)] string? Search = null,
    [property: Id(1)] Role? Role = null,
    [property: Id(2)] UserOrder OrderBy = UserOrder.NumberAsc);

/// <summary>Where an item sits in an ordered list: its sort key (invariant text) and its id, the tie-breaker.
/// Pages continue strictly after a position, so items added or removed meanwhile shift nothing.</summary>
[GenerateSerializer, Immutable]
public sealed record ListingPosition([property: Id(0)] string Key, [property: Id(1)] string Id);

[GenerateSerializer, Immutable]
public sealed record ListingItem<TId>([property: Id(0)] TId Id, [property: Id(1)] ListingPosition Position);

/// <summary>One page of ids in list order; the caller fetches the details of these only.</summary>
[GenerateSerializer, Immutable]
public sealed record ListingPage<TId>(
    [property: Id(0)] IReadOnlyList<ListingItem<TId>> Items,
    [property: Id(1)] bool HasNextPage,
    [property: Id(2)] long TotalCount);
