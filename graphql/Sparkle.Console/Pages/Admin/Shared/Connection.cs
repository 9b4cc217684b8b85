namespace Sparkle.Console.Pages.Admin.Shared;

/// <summary>A page of a cursor connection (first/after, pageInfo, totalCount), as the API's lists serve them.</summary>
public sealed record Connection<T>(IReadOnlyList<T> Nodes, PageInfo PageInfo, int TotalCount);

public sealed record PageInfo(bool HasNextPage, string? EndCursor);

/// <summary>The rows loaded so far of a paged list, and the cursor of the next page. "Load more" appends.</summary>
public sealed class PagedList<T>
{
    private readonly List<T> _rows = [];

    public IReadOnlyList<T> Rows => _rows;
    public bool Loaded { get; private set; }
    public bool HasMore { get; private set; }
    public string? NextCursor { get; private set; }
    public int TotalCount { get; private set; }

    public void Reset()
    {
        _rows.Clear();
        Loaded = false;
        HasMore = false;
        NextCursor = null;
        TotalCount = 0;
    }

    public void Append(Connection<T> page)
    {
        _rows.AddRange(page.Nodes);
        Loaded = true;
        HasMore = page.PageInfo.HasNextPage;
        NextCursor = page.PageInfo.EndCursor;
        TotalCount = page.TotalCount;
    }

    public void Remove(Predicate<T> match)
    {
        var removed = _rows.RemoveAll(match);
        TotalCount = Math.Max(0, TotalCount - removed);
    }

    public void Replace(Predicate<T> match, T row)
    {
        var i = _rows.FindIndex(match);
        if (i >= 0)
        {
            _rows[i] = row;
        }
    }

    public void Prepend(T row)
    {
        _rows.Insert(0, row);
        TotalCount++;
    }
}
