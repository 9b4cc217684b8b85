using Microsoft.Extensions.Logging;
using Sparkle.Grains.Media;
using Sparkle.Media.Codecs;
using Sparkle.Media.Mixing;

namespace Sparkle.MediaWorker.Engine;

// Private replay (issue 9): stored utterances fetched (IClipSource: blob + tenant key), decoded to 48 kHz PCM on the
// thread pool, then handed whole to the leg's mixer input, which plays them into that leg only.
public sealed partial class MediaEngine
{
    /// <summary>A replay is cut here (20 utterances of up to 60 s would be 20 minutes).</summary>
    public static readonly TimeSpan MaxReplay = TimeSpan.FromMinutes(3);

    /// <summary>Silence between two utterances of one replay.</summary>
    private const int ReplayGapSamples = MixerOptions.MixRate / 5;
    private const int MaxReplaySegments = 20;

    public Task<bool> PlayIntoLegAsync(Guid meetingId, string participantId, ReplayClip clip)
    {
        ArgumentNullException.ThrowIfNull(clip);
        if (clip.Segments is not { Count: > 0 and <= MaxReplaySegments } segments || segments.Any(s => s is null || s.Key is null || string.IsNullOrEmpty(s.BlobName)))
        {
            throw new ArgumentException($"A replay is 1 to {MaxReplaySegments} stored utterances.", nameof(clip));
        }
        if (_clips is null)
        {
            throw new InvalidOperationException("Replay is not configured on this worker (no clip source).");
        }

        long generation;
        lock (_lock)
        {
            if (!_meetings.TryGetValue(meetingId, out var meeting) || !meeting.Legs.TryGetValue(participantId ?? "", out var leg)
                || leg.MixerLeg is null || !leg.Control.Listening)
            {
                return Task.FromResult(false);
            }
            // The newest request wins, even if an older one finishes fetching later.
            generation = ++leg.ReplayGeneration;
        }
        _ = Task.Run(() => LoadReplayAsync(meetingId, participantId!, generation, clip));
        return Task.FromResult(true);
    }

    private async Task LoadReplayAsync(Guid meetingId, string participantId, long generation, ReplayClip clip)
    {
        try
        {
            var maxSamples = (int)(MaxReplay.TotalSeconds * MixerOptions.MixRate);
            var decoded = new List<short[]>(clip.Segments.Count);
            var total = 0;
            foreach (var segment in clip.Segments)
            {
                if (total >= maxSamples || !IsCurrentReplay(meetingId, participantId, generation))
                {
                    break;
                }
                var file = await _clips!.ReadAsync(clip.TenantId, segment, CancellationToken.None);
                var pcm = OggOpusReader.Read(file, MaxReplay).Pcm;
                if (pcm.Length > maxSamples - total)
                {
                    pcm = pcm[..(maxSamples - total)];
                }
                decoded.Add(pcm);
                total += pcm.Length + ReplayGapSamples;
            }

            var all = new short[Math.Max(0, total - ReplayGapSamples)];
            var at = 0;
            foreach (var pcm in decoded)
            {
                pcm.CopyTo(all, at);
                at += pcm.Length + ReplayGapSamples;
            }
            var playback = new PrivatePlayback(all, Math.Min(all.Length, maxSamples));
            lock (_lock)
            {
                if (!_meetings.TryGetValue(meetingId, out var meeting) || !meeting.Legs.TryGetValue(participantId, out var leg)
                    || leg.ReplayGeneration != generation || leg.MixerLeg is not { } mixerLeg || !leg.Control.Listening)
                {
                    return; // replaced by a newer replay, or the leg is gone or kept out
                }
                mixerLeg.PlayPrivately(playback);
            }
            _logger.LogInformation("Meeting {MeetingId}: replaying {Count} utterances ({Seconds:F1} s) to {ParticipantId}",
                meetingId, decoded.Count, playback.Duration.TotalSeconds, participantId);
        }
        catch (Exception e)
        {
            _logger.LogWarning(e, "Meeting {MeetingId}: the replay for {ParticipantId} could not be read", meetingId, participantId);
        }
    }

    private bool IsCurrentReplay(Guid meetingId, string participantId, long generation)
    {
        lock (_lock)
        {
            return _meetings.TryGetValue(meetingId, out var meeting) && meeting.Legs.TryGetValue(participantId, out var leg)
                && leg.ReplayGeneration == generation;
        }
    }
}
