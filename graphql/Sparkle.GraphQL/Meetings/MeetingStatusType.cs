using Sparkle.Grains.Meetings;
using Sparkle.GraphQL.Schema;

namespace Sparkle.GraphQL.Meetings;

public sealed class MeetingStatusType : WireEnumType<MeetingStatus>
{
    public MeetingStatusType()
        : base("MeetingStatus", "Meeting lifecycle: scheduled, active (started), ended.")
    {
    }
}
