using Sparkle.Grains.Recordings;
using Sparkle.GraphQL.Schema;

namespace Sparkle.GraphQL.Recordings;

public sealed class RecordingAuditActionType : WireEnumType<RecordingAuditAction>
{
    public RecordingAuditActionType()
        : base("RecordingAuditAction", "What was done with a recording or utterance.")
    {
    }
}
