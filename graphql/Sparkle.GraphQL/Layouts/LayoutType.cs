using GraphQL.Types;
using Sparkle.Video.Layouts;

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
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<LayoutTileType>>>>("tiles")
            .Description("The tiles in slot order; empty for the automatic groups.")
            .Resolve(ctx => ctx.Source.Tiles);
    }
}

/// <summary>One tile of a layout, in fractions of the picture (0..1 from the top left).</summary>
public sealed class LayoutTileType : ObjectGraphType<LayoutTile>
{
    public LayoutTileType()
    {
        Name = "LayoutTile";
        Description = "A tile of a layout, in fractions of the picture measured from its top left corner.";
        Field<NonNullGraphType<IntGraphType>>("slot").Description("The slot index: placements and the floor use it.").Resolve(ctx => ctx.Source.Index);
        Field<NonNullGraphType<FloatGraphType>>("x").Resolve(ctx => ctx.Source.X);
        Field<NonNullGraphType<FloatGraphType>>("y").Resolve(ctx => ctx.Source.Y);
        Field<NonNullGraphType<FloatGraphType>>("width").Resolve(ctx => ctx.Source.Width);
        Field<NonNullGraphType<FloatGraphType>>("height").Resolve(ctx => ctx.Source.Height);
        Field<NonNullGraphType<IntGraphType>>("z").Description("Stacking order: higher is drawn over lower.").Resolve(ctx => ctx.Source.Z);
        Field<NonNullGraphType<BooleanGraphType>>("floor").Description("The active speaker's tile in automatic mode.").Resolve(ctx => ctx.Source.IsFloor);
    }
}
