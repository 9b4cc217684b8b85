using Sparkle.Grains.Meetings;
using Sparkle.GraphQL.Schema;

namespace Sparkle.GraphQL.Meetings;

public sealed class DisconnectionMethodType : WireEnumType<DisconnectionMethod>
{
    public DisconnectionMethodType()
        : base("DisconnectionMethod", "How a participant left (RFC 4575).")
    {
    }
}
