using GraphQL.Types;
using Sparkle.Grains.Plans;

namespace Sparkle.GraphQL.Plans;

public sealed class RecordingSettingsType : ObjectGraphType<RecordingSettings>
{
    public RecordingSettingsType()
    {
        Name = "RecordingSettings";
        Field(x => x.RecordMeeting);
        Field(x => x.SeparateAudioAndVideo);
        Field(x => x.PerUtteranceRecording);
        Field(x => x.Minutes);
    }
}
