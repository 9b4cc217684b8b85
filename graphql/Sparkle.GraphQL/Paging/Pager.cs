using System.Globalization;
using GraphQL;
using GraphQL.Builders;
using GraphQL.Types;
using Sparkle.Grains.Listings;
using Sparkle.GraphQL.Transport;

namespace Sparkle.GraphQL.Paging;

/// <summary>The `first`/`after` arguments every connection takes, cursors, and paging of lists that a grain
/// still returns whole (the same keyset rule in memory, so cursors behave alike everywhere).</summary>
public static class Pager
{
    public const int DefaultFirst = 50;
    public const int MaxFirst = 200;

    public static FieldBuilder<TSource, TReturn> PagingArguments<TSource, TReturn>(this FieldBuilder<TSource, TReturn> field) => field
        .Argument<IntGraphType>("first", a =>
        {
            a.DefaultValue = DefaultFirst;
            a.Description = $"Page size, 0 to {MaxFirst}.";
        })
        .Argument<StringGraphType>("after", a => a.Description = "The endCursor of the previous page.");

    public static int First(IResolveFieldContext ctx)
    {
        var first = ctx.GetArgument("first", DefaultFirst);
        return first is >= 0 and <= MaxFirst
            ? first
            : throw new ExecutionError($"first must be between 0 and {MaxFirst}.") { Code = ErrorCodes.BadUserInput };
    }

    /// <summary>The decoded `after`, null for the first page, or an INVALID_CURSOR error.</summary>
    public static ListingPosition? After(IResolveFieldContext ctx, string list, string order, Func<ListingPosition, bool>? wellFormed = null)
    {
        var cursor = ctx.GetArgument<string?>("after");
        if (cursor is null)
        {
            return null;
        }

        return ListingCursor.TryDecode(cursor, list, order, out var position) && (wellFormed?.Invoke(position!) ?? true)
            ? position
            : throw new ExecutionError(ListingCursor.Describe(list)) { Code = ErrorCodes.InvalidCursor };
    }

    /// <summary>A connection from a page of ids and their details (fetched for that page only). An id whose
    /// details are gone (deleted since the index was read, or no longer visible) is left out; the cursor
    /// still moves past it.</summary>
    public static Connection<T> FromPage<TId, T>(string list, string order, ListingPage<TId> page, IReadOnlyList<T?> details)
        where T : class
    {
        var edges = new List<Edge<T>>(page.Items.Count);
        for (var i = 0; i < page.Items.Count; i++)
        {
            if (details[i] is { } node)
            {
                edges.Add(new Edge<T>(ListingCursor.Encode(list, order, page.Items[i].Position), node));
            }
        }

        var end = page.Items.Count == 0 ? null : ListingCursor.Encode(list, order, page.Items[^1].Position);
        return new Connection<T>(edges, page.HasNextPage, end, page.TotalCount);
    }

    /// <summary>Pages a list held whole in memory, sorted by <paramref name="position"/> (ordinal key, then id).</summary>
    public static Connection<T> InMemory<T>(string list, string order, IEnumerable<T> items, Func<T, ListingPosition> position, int first, ListingPosition? after)
    {
        var sorted = items.Select(i => (Item: i, Position: position(i)))
            .OrderBy(p => p.Position.Key, StringComparer.Ordinal).ThenBy(p => p.Position.Id, StringComparer.Ordinal)
            .ToList();
        var rest = after is null ? sorted : sorted.Where(p => Compare(p.Position, after) > 0).ToList();
        var page = rest.Take(first).Select(p => new Edge<T>(ListingCursor.Encode(list, order, p.Position), p.Item)).ToList();
        return new Connection<T>(page, rest.Count > first, page.Count == 0 ? null : page[^1].Cursor, sorted.Count);
    }

    /// <summary>A sort key of a time, ordinal order = time order.</summary>
    public static string TimeKey(DateTimeOffset time) => time.UtcTicks.ToString("D19", CultureInfo.InvariantCulture);

    private static int Compare(ListingPosition a, ListingPosition b)
    {
        var byKey = string.CompareOrdinal(a.Key, b.Key);
        return byKey != 0 ? byKey : string.CompareOrdinal(a.Id, b.Id);
    }
}
