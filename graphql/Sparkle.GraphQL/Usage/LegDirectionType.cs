using Sparkle.Grains.Usage;
using Sparkle.GraphQL.Schema;

namespace Sparkle.GraphQL.Usage;

public sealed class LegDirectionType : WireEnumType<LegDirection>
{
    public LegDirectionType()
        : base("LegDirection", "How a call leg reached the meeting: dialled in (SIP), dialled out by the meeting, or a browser (WebRTC).")
    {
    }
}
