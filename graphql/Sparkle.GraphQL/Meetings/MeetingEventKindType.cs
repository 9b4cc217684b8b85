using Sparkle.Grains.Meetings;
using Sparkle.GraphQL.Schema;

namespace Sparkle.GraphQL.Meetings;

public sealed class MeetingEventKindType : WireEnumType<MeetingEventKind>
{
    public MeetingEventKindType()
        : base("MeetingEventKind", "What changed in a meeting.")
    {
    }
}
