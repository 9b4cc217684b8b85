using Sparkle.Grains.Meetings;
using Sparkle.GraphQL.Schema;

namespace Sparkle.GraphQL.Recordings;

public sealed class RecordingStateType : WireEnumType<RecordingState>
{
    public RecordingStateType()
        : base("RecordingState", "Whether the meeting is recorded; degraded while the store refuses and the worker spools.")
    {
    }
}
