using GraphQL.Types;

namespace Sparkle.GraphQL.Layouts;

public sealed class LayoutType : ObjectGraphType<LayoutInfo>
{
    public LayoutType()
    {
        Name = "Layout";
        Description = "A video layout of the mixed picture.";
        Field<NonNullGraphType<IdGraphType>>("id").Resolve(ctx => ctx.Source.Id);
        Field(x => x.Name);
        Field(x => x.Slots).Description("Number of slots; 0 when it adapts to the number of participants.");
    }
}
