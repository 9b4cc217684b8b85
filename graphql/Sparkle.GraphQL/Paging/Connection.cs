namespace Sparkle.GraphQL.Paging;

/// <summary>Where a page ends (GraphQL's PageInfo).</summary>
public interface IPageInfo
{
    bool HasNextPage { get; }
    string? EndCursor { get; }
}

/// <summary>One page of a list in GraphQL's cursor-connection shape.</summary>
public sealed record Connection<T>(IReadOnlyList<Edge<T>> Edges, bool HasNextPage, string? EndCursor, long TotalCount) : IPageInfo;

public sealed record Edge<T>(string Cursor, T Node);
