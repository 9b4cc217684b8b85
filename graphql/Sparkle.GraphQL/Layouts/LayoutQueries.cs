using GraphQL.Types;
using Sparkle.GraphQL.Schema;

namespace Sparkle.GraphQL.Layouts;

public static class LayoutQueries
{
    public static void AddTo(ObjectGraphType query)
    {
        query.Field<NonNullGraphType<ListGraphType<NonNullGraphType<LayoutType>>>>("layouts")
            .Description("The video layouts a meeting can use.")
            .Resolve(ctx =>
            {
                ctx.Caller();
                return LayoutCatalog.All;
            });
    }
}
