namespace Sparkle.Client;

/// <summary>One page of a list. Pass <see cref="EndCursor"/> as `after` for the next page while
/// <see cref="HasNextPage"/>; <see cref="TotalCount"/> counts every page.</summary>
public sealed record Page<T>(IReadOnlyList<T> Items, string? EndCursor, bool HasNextPage, int TotalCount);
