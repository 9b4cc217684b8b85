using Sparkle.Grains.Meetings;
using Sparkle.GraphQL.Schema;

namespace Sparkle.GraphQL.Meetings;

public sealed class CallStateType : WireEnumType<CallState>
{
    public CallStateType()
        : base("CallState", "A participant's call state (RFC 4575 endpoint status).")
    {
    }
}
