using Sparkle.Grains.Media;
using Sparkle.Media.Mixing;

namespace Sparkle.MediaWorker.Engine;

/// <summary>The media of one meeting on this worker: its mixer and its legs.</summary>
internal sealed class MeetingMedia(Guid meetingId, ConferenceMixer mixer)
{
    public Guid MeetingId { get; } = meetingId;
    public ConferenceMixer Mixer { get; } = mixer;
    public Dictionary<string, LegState> Legs { get; } = new(StringComparer.Ordinal);
    public VideoLayoutControl? Layout { get; set; }
}
