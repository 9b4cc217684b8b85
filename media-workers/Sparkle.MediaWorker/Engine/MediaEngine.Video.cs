using Microsoft.Extensions.Logging;
using Sparkle.Grains.Media;
using Sparkle.Media.Video;
using Sparkle.Video.Codecs;

namespace Sparkle.MediaWorker.Engine;

/// <summary>Video: the meeting's video conference (created with its first video leg), its layout
/// control, and what operators see of it.</summary>
public sealed partial class MediaEngine
{
    /// <summary>Layout ids the API offered before the compositor's catalogue; stored plans may still carry them.</summary>
    private static readonly Dictionary<string, string> s_legacyLayoutIds = new(StringComparer.Ordinal)
    {
        ["1x1"] = "grid-1x1",
        ["2x2"] = "grid-2x2",
        ["3x3"] = "grid-3x3",
        ["4x4"] = "grid-4x4",
        ["1+5"] = "one-plus-5",
        ["1+7"] = "one-plus-7",
    };

    /// <summary>The meeting grain's last layout control per meeting. It arrives when the meeting is
    /// placed on this worker, usually before any leg, and is kept until the meeting is released.</summary>
    private readonly Dictionary<Guid, VideoLayoutControl> _layouts = [];

    public Task SetLayoutAsync(Guid meetingId, VideoLayoutControl layout)
    {
        ArgumentNullException.ThrowIfNull(layout);
        lock (_lock)
        {
            _layouts[meetingId] = layout;
            if (_meetings.TryGetValue(meetingId, out var meeting) && meeting.Video is { } video)
            {
                ApplyLayout(meetingId, video, layout);
            }
        }
        return Task.CompletedTask;
    }

    public Task<bool> RequestKeyFrameAsync(Guid meetingId, string participantId)
    {
        lock (_lock)
        {
            if (_meetings.TryGetValue(meetingId, out var meeting) && meeting.Legs.TryGetValue(participantId ?? "", out var leg)
                && leg is { VideoActive: true, Video: { } video })
            {
                video.OnKeyFrameRequestedBySignalling();
                return Task.FromResult(true);
            }
        }
        return Task.FromResult(false);
    }

    public Task<PreviewPicture?> GetPreviewAsync(Guid meetingId)
    {
        VideoConference? video;
        lock (_lock)
        {
            video = _meetings.TryGetValue(meetingId, out var meeting) ? meeting.Video : null;
        }
        if (video is null)
        {
            return Task.FromResult<PreviewPicture?>(null);
        }
        // The encode (a few ms, at most one per meeting per half second) runs off the engine's lock.
        try
        {
            return Task.FromResult(video.GrabPreview() is { } preview
                ? new PreviewPicture(preview.Jpeg, preview.Width, preview.Height, preview.TakenAt)
                : null);
        }
        catch (ObjectDisposedException)
        {
            return Task.FromResult<PreviewPicture?>(null); // the meeting was released meanwhile
        }
    }

    private VideoConferenceOptions? CreateVideoOptions()
    {
        var video = _options.Video;
        if (!video.Enabled)
        {
            _logger.LogInformation("Video is off (Media:Video:Enabled): video streams are rejected");
            return null;
        }
        if (CodecLibraries.FindMissing() is { } missing)
        {
            _logger.LogWarning("Video is off: {Missing}. Video streams are rejected until it is installed", missing);
            return null;
        }
        return new VideoConferenceOptions
        {
            Width = video.Width,
            Height = video.Height,
            BitrateKbps = video.BitrateKbps,
            LowWidth = video.LowWidth,
            LowHeight = video.LowHeight,
            LowBitrateKbps = video.LowBitrateKbps,
            FramesPerSecond = video.FramesPerSecond,
        };
    }

    /// <summary>The meeting's video conference, started with the first video leg: every leg already in
    /// the meeting joins it (as a name tile until it sends pictures), with its controls and the layout.</summary>
    private VideoConference EnsureVideo(MeetingMedia meeting)
    {
        if (meeting.Video is { } existing)
        {
            return existing;
        }
        var meetingId = meeting.MeetingId;
        var conference = new VideoConference(meetingId.ToString("N")[..8], _videoOptions);
        var lastError = DateTime.MinValue;
        conference.TickFailed += e =>
        {
            // At 15 frames a second a persistent fault would flood the log: once every 10 s is enough.
            if (DateTime.UtcNow - lastError > TimeSpan.FromSeconds(10))
            {
                lastError = DateTime.UtcNow;
                _logger.LogError(e, "Meeting {MeetingId}: a video frame failed", meetingId);
            }
        };
        foreach (var leg in meeting.Legs.Values.Where(l => l.Started))
        {
            conference.AddParticipant(leg.ParticipantId, leg.DisplayName);
            conference.SetVideoState(leg.ParticipantId, leg.Control.VideoOn, leg.Control.VideoAllowed);
        }
        if (_layouts.TryGetValue(meetingId, out var layout))
        {
            ApplyLayout(meetingId, conference, layout);
        }
        if (meeting.Mixer.ActiveSpeakers is [var loudest, ..])
        {
            conference.ReportActiveSpeaker(loudest);
        }
        conference.Start();
        meeting.Video = conference;
        return conference;
    }

    private void ApplyLayout(Guid meetingId, VideoConference conference, VideoLayoutControl layout)
    {
        var id = s_legacyLayoutIds.GetValueOrDefault(layout.LayoutId, layout.LayoutId);
        if (!conference.ApplyLayout(id, layout.Automatic, layout.Placements ?? []))
        {
            _logger.LogWarning("Meeting {MeetingId}: unknown layout '{Layout}', keeping the current one", meetingId, layout.LayoutId);
        }
    }

    /// <summary>One line per meeting with video: the shared streams and the senders' decoders.</summary>
    private void LogVideoSummary(Guid meetingId, VideoConference video)
    {
        var streams = video.Streams;
        var senders = video.Senders;
        _logger.LogInformation(
            "Meeting {MeetingId}: video {Layout}, streams [{Streams}], senders {Senders}: decoded {Decoded}, skipped (hidden) {Skipped}, lost {Lost}, key frame requests {Requests}, busy {Busy:F1}%",
            meetingId, video.Mixer.CurrentLayout.Id,
            string.Join("; ", streams.Select(s => $"{s.Width}x{s.Height} {s.Codec}{(s.Codec == VideoCodec.H264 ? $"/{s.PacketizationMode}" : "")} to {s.Receivers}, {s.FramesEncoded} frames, {s.KeyFrames} key")),
            senders.Count, senders.Sum(s => s.FramesDecoded), senders.Sum(s => s.FramesSkipped), senders.Sum(s => s.FramesLost),
            senders.Sum(s => s.KeyFrameRequests), video.Ticks == 0 ? 0 : video.BusyTime.TotalMilliseconds / (video.Ticks * 1000.0 / video.Options.FramesPerSecond) * 100);
    }
}
