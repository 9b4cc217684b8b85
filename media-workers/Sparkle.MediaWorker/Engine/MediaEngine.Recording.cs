using Microsoft.Extensions.Logging;
using Sparkle.Grains.Recordings;
using Sparkle.Media.Recording;

namespace Sparkle.MediaWorker.Engine;

// Recording on the worker (issue 9): a MeetingRecorder per meeting takes the full mix from the mixer, the
// composite's encoded frames from the video conference and, per utterance, every leg's own audio; finished
// files go to the IRecordingSink.
public sealed partial class MediaEngine
{
    public Task StartRecordingAsync(Guid meetingId, RecordingOrder order)
    {
        ArgumentNullException.ThrowIfNull(order);
        if (!order.WholeMeeting && !order.PerUtterance)
        {
            throw new ArgumentException("The order records nothing (neither the whole meeting nor utterances).", nameof(order));
        }
        lock (_lock)
        {
            if (!_meetings.TryGetValue(meetingId, out var meeting))
            {
                throw new InvalidOperationException("No media for this meeting on this worker");
            }
            if (meeting.Recorder is not null)
            {
                throw new InvalidOperationException("A recording is already running");
            }
            // The meeting's clock now (never before the meeting started); from here on the media clock counts.
            var now = DateTimeOffset.UtcNow;
            var startedAt = now < order.MeetingStartedAt ? order.MeetingStartedAt : now;
            var plan = new RecordingPlan(order.RecordingId, order.WholeMeeting, order.SeparateAudioAndVideo, order.PerUtterance,
                startedAt, order.VideoRecordingId);
            var recorder = new MeetingRecorder(plan, RecorderOptions(), _recordings.Open(meetingId, order),
                message => _logger.LogWarning("Meeting {MeetingId}: {Message}", meetingId, message));
            if (order.WholeMeeting && meeting.Video is { } video)
            {
                var (codec, width, height) = video.AttachRecorder(recorder);
                recorder.UseVideo(new VideoTrackFormat(codec, width, height, video.Options.FramesPerSecond), video.RequestRecorderKeyFrame);
            }
            recorder.Start();
            meeting.Recorder = recorder;
            meeting.Mixer.AddTap(recorder);
            if (order.PerUtterance)
            {
                foreach (var leg in meeting.Legs.Values)
                {
                    leg.MixerLeg?.AddTap(recorder);
                }
            }
            _logger.LogInformation("Meeting {MeetingId}: recording {RecordingId} started (whole meeting {Whole}, video {Video}, separate {Separate}, utterances {Utterances})",
                meetingId, order.RecordingId, order.WholeMeeting, meeting.Video is not null && order.WholeMeeting, order.SeparateAudioAndVideo, order.PerUtterance);
        }
        return Task.CompletedTask;
    }

    public async Task<bool> StopRecordingAsync(Guid meetingId)
    {
        MeetingRecorder recorder;
        lock (_lock)
        {
            if (!_meetings.TryGetValue(meetingId, out var meeting) || meeting.Recorder is null)
            {
                return false;
            }
            recorder = meeting.Recorder;
            meeting.Recorder = null;
            DetachRecorder(meeting, recorder);
        }
        // Finishing writes the last parts and utterances and calls the sink: not on the caller's thread.
        await Task.Run(recorder.Dispose);
        _logger.LogInformation("Meeting {MeetingId}: recording {RecordingId} stopped: {Parts} parts, {Utterances} utterances, recorder busy {Busy} ms",
            meetingId, recorder.Plan.RecordingId, recorder.PartsCompleted, recorder.UtterancesCompleted, (int)recorder.BusyTime.TotalMilliseconds);
        return true;
    }

    // Under _lock, or on a meeting no longer in it. After this no media thread queues into the recorder.
    private static void DetachRecorder(MeetingMedia meeting, MeetingRecorder recorder)
    {
        meeting.Mixer.RemoveTap(recorder);
        foreach (var leg in meeting.Legs.Values)
        {
            leg.MixerLeg?.RemoveTap(recorder);
        }
        meeting.Video?.DetachRecorder(recorder);
    }

    private RecorderOptions RecorderOptions()
    {
        var recording = _options.Recording;
        return new RecorderOptions
        {
            WorkFolder = recording.ResolvedWorkFolder,
            PartMaxBytes = Math.Max(16 * 1024, recording.PartMaxBytes),
            PartMaxSeconds = Math.Max(1, recording.PartMaxSeconds),
            OpusBitrate = Math.Clamp(recording.OpusBitrateKbps, 8, 256) * 1000,
            QueueMaxBytes = Math.Clamp(recording.QueueMaxMegabytes, 4, 1024) * 1024 * 1024,
        };
    }

    /// <summary>Without a store (tests, tools) finished files are deleted, with a log line.</summary>
    private sealed class DiscardingRecordingStore(ILogger logger) : IRecordingStore, IRecordingSink
    {
        public IRecordingSink Open(Guid meetingId, RecordingOrder order) => this;

        public void PartCompleted(RecordedPart part)
        {
            logger.LogWarning("No recording sink: part {Index} of {RecordingId} deleted", part.Index, part.RecordingId);
            File.Delete(part.LocalPath);
        }

        public void UtteranceCompleted(RecordedUtterance utterance)
        {
            logger.LogWarning("No recording sink: utterance of {ParticipantId} deleted", utterance.ParticipantId);
            File.Delete(utterance.LocalPath);
        }
    }
}
