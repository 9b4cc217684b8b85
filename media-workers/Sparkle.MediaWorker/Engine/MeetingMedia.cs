using Sparkle.Media.Mixing;
using Sparkle.Media.Recording;
using Sparkle.Media.Video;

namespace Sparkle.MediaWorker.Engine;

/// <summary>The media of one meeting on this worker: its audio mixer, its video conference (from the
/// first video leg on), its legs and its cascade trunks to other workers (which keep it here even with no leg).</summary>
internal sealed class MeetingMedia(Guid meetingId, ConferenceMixer mixer)
{
    public Guid MeetingId { get; } = meetingId;
    public ConferenceMixer Mixer { get; } = mixer;
    public VideoConference? Video { get; set; }
    public MeetingRecorder? Recorder { get; set; }
    public Dictionary<string, LegState> Legs { get; } = new(StringComparer.Ordinal);
    /// <summary>Cascade trunk ends by peer worker id.</summary>
    public Dictionary<string, TrunkEnd> Trunks { get; } = new(StringComparer.Ordinal);
    public bool Empty => Legs.Count == 0 && Trunks.Count == 0;
}
