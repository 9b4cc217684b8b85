using Sparkle.Grains.Identity;
using Sparkle.GraphQL.Schema;

namespace Sparkle.GraphQL.Identity;

public sealed class RoleType : WireEnumType<Role>
{
    public RoleType()
        : base("Role", "Tenant or meeting role, from the narrowest (participant) to the broadest (owner).")
    {
    }
}
