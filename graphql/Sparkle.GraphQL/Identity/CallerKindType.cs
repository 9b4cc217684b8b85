using Sparkle.Grains.Identity;
using Sparkle.GraphQL.Schema;

namespace Sparkle.GraphQL.Identity;

public sealed class CallerKindType : WireEnumType<CallerKind>
{
    public CallerKindType()
        : base("CallerKind", "What kind of credential made the request: a user, a platform component, a directory-sync job or the SaaS operator.")
    {
    }
}
