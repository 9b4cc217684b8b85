using GraphQL.Types;

namespace Sparkle.GraphQL.Paging;

/// <summary>`XConnection { edges { cursor node } nodes pageInfo totalCount }` for a node type `XType`
/// (named after it: MeetingType gives MeetingConnection and MeetingEdge).</summary>
public sealed class ConnectionGraphType<TNodeType, T> : ObjectGraphType<Connection<T>>
    where TNodeType : IGraphType
{
    public ConnectionGraphType()
    {
        var node = NodeName.Of<TNodeType>();
        Name = node + "Connection";
        Description = $"A page of {node} items, in list order.";
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<EdgeGraphType<TNodeType, T>>>>>("edges")
            .Resolve(ctx => ctx.Source.Edges);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<TNodeType>>>>("nodes")
            .Description("The edges' nodes, when the cursors are not needed.")
            .Resolve(ctx => ctx.Source.Edges.Select(e => e.Node).ToList());
        Field<NonNullGraphType<PageInfoGraphType>>("pageInfo").Resolve(ctx => ctx.Source);
        Field<NonNullGraphType<IntGraphType>>("totalCount")
            .Description("How many items match the filters (all pages).")
            .Resolve(ctx => (int)Math.Min(ctx.Source.TotalCount, int.MaxValue));
    }
}

public sealed class EdgeGraphType<TNodeType, T> : ObjectGraphType<Edge<T>>
    where TNodeType : IGraphType
{
    public EdgeGraphType()
    {
        Name = NodeName.Of<TNodeType>() + "Edge";
        Field<NonNullGraphType<StringGraphType>>("cursor")
            .Description("Opaque: pass as `after` to continue after this item.")
            .Resolve(ctx => ctx.Source.Cursor);
        Field<NonNullGraphType<TNodeType>>("node").Resolve(ctx => ctx.Source.Node);
    }
}

/// <summary>Where a page ends. Only forward paging (first/after) is offered.</summary>
public sealed class PageInfoGraphType : ObjectGraphType<IPageInfo>
{
    public PageInfoGraphType()
    {
        Name = "PageInfo";
        Field<NonNullGraphType<BooleanGraphType>>("hasNextPage").Resolve(ctx => ctx.Source.HasNextPage);
        Field<StringGraphType>("endCursor")
            .Description("The last edge's cursor (null on an empty page): pass as `after` for the next page.")
            .Resolve(ctx => ctx.Source.EndCursor);
    }
}

internal static class NodeName
{
    public static string Of<TNodeType>()
    {
        var name = typeof(TNodeType).Name;
        return name.EndsWith("Type", StringComparison.Ordinal) ? name[..^4] : name;
    }
}
