using Sparkle.Grains.Recordings;
using Sparkle.GraphQL.Schema;

namespace Sparkle.GraphQL.Recordings;

public sealed class RecordingKindType : WireEnumType<RecordingKind>
{
    public RecordingKindType()
        : base("RecordingKind", "Everything in one file (mixed), or the audio or the video alone.")
    {
    }
}
