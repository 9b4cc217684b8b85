using Sparkle.Grains.Plans;
using Sparkle.GraphQL.Schema;

namespace Sparkle.GraphQL.Plans;

public sealed class LayoutModeType : WireEnumType<LayoutMode>
{
    public LayoutModeType()
        : base("LayoutMode", "fixed: the chair places people in slots; automatic: the active speaker takes the main slot.")
    {
    }
}
