using GraphQL.Types;
using Sparkle.Grains.Plans;
using Sparkle.GraphQL.Schema;

namespace Sparkle.GraphQL.Plans;

public sealed class RecordingSettingsInputType : InputObjectGraphType<RecordingSettings>
{
    public RecordingSettingsInputType()
    {
        Name = "RecordingSettingsInput";
        Field<BooleanGraphType>("recordMeeting");
        Field<BooleanGraphType>("separateAudioAndVideo");
        Field<BooleanGraphType>("perUtteranceRecording");
        Field<BooleanGraphType>("minutes");
    }

    public override object ParseDictionary(IDictionary<string, object?> value) =>
        new RecordingSettings(
            value.Value<bool>("recordMeeting"),
            value.Value<bool>("separateAudioAndVideo"),
            value.Value<bool>("perUtteranceRecording"),
            value.Value<bool>("minutes"));
}
