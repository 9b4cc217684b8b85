using Sparkle.Grains.Meetings;
using Sparkle.GraphQL.Schema;

namespace Sparkle.GraphQL.Meetings;

public sealed class JoiningMethodType : WireEnumType<JoiningMethod>
{
    public JoiningMethodType()
        : base("JoiningMethod", "How a participant joined (RFC 4575).")
    {
    }
}
