using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Sparkle.Grains.Identity;
using Sparkle.Grains.Internal;
using Sparkle.Grains.Media;
using Sparkle.Grains.Plans;
using Sparkle.Grains.Recordings;
using Sparkle.Grains.Security;
using Sparkle.Recordings;

namespace Sparkle.Grains.Meetings;

/// <summary>Recording: the meeting orders its worker to record (whole meeting and/or per utterance), lists
/// what it ordered in the meeting's <see cref="IRecordingCatalogGrain"/>, and emits what the catalog reports.</summary>
public sealed partial class MeetingGrain
{
    public async Task SetRecordingAsync(Caller caller, bool recording)
    {
        await DemandAsync(caller, Operation.ControlRecording);
        if (recording)
        {
            var settings = S.Spec?.Recording;
            if (S.Recording && S.RecordingId is null && !_startingRecording)
            {
                // Only utterances are recorded (the plan's setting): the whole meeting joins them in one new order
                // (the worker records one order per meeting; an utterance in progress is cut there).
                await StopRecordingAsync();
            }
            await StartRecordingAsync(wholeMeeting: true, perUtterance: RecordsUtterances(settings));
        }
        else
        {
            await StopRecordingAsync();
        }
    }

    /// <summary>Starts a new recording; on any error nothing changed (the catalog's entries are dropped
    /// again when the worker refuses).</summary>
    private async Task StartRecordingAsync(bool wholeMeeting, bool perUtterance)
    {
        if (S.Recording || _startingRecording)
        {
            throw new ValidationException("A recording is already running");
        }

        _startingRecording = true;
        try
        {
            await StartRecordingCoreAsync(wholeMeeting, perUtterance);
        }
        finally
        {
            _startingRecording = false;
        }
    }

    /// <summary>A start is under way (the plan's automatic one runs beside the grain's turns).</summary>
    private bool _startingRecording;

    private async Task StartRecordingCoreAsync(bool wholeMeeting, bool perUtterance)
    {
        if (S.Status != MeetingStatus.Active || S.StartedAt is not { } startedAt || await Placement.HomeAsync() is not { } worker)
        {
            throw new ValidationException("The meeting has no media to record");
        }

        if (ServiceProvider.GetService<RecordingBlobStore>() is null)
        {
            throw new ValidationException("Recording storage is not configured");
        }

        var separate = S.Spec?.Recording?.SeparateAudioAndVideo ?? false;
        var recordingId = Guid.NewGuid();
        var videoId = wholeMeeting && separate ? Guid.NewGuid() : Guid.Empty;
        List<RecordingStart> starts = !wholeMeeting ? []
            : separate ? [new(recordingId, RecordingKind.Audio), new(videoId, RecordingKind.Video)]
            : [new(recordingId, RecordingKind.Mixed)];
        var order = new RecordingOrder(recordingId, S.TenantId, wholeMeeting, separate && wholeMeeting, perUtterance, startedAt, videoId);

        var catalog = GrainFactory.GetGrain<IRecordingCatalogGrain>(Id);
        await catalog.RecordingStartedAsync(S.TenantId, starts, DateTimeOffset.UtcNow);
        try
        {
            await worker.StartRecordingAsync(Id, order).WaitAsync(ExternalCallTimeout);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            logger.LogWarning(e, "Meeting {MeetingId}: the media worker did not start recording", Id);
            await catalog.RecordingAbandonedAsync(starts.Select(s => s.RecordingId).ToList());
            throw new ValidationException($"The media worker could not start recording: {e.Message}");
        }

        S.Recording = true;
        S.RecordingDegraded = false;
        S.RecordingId = wholeMeeting ? recordingId : null;
        S.VideoRecordingId = videoId == Guid.Empty ? null : videoId;
        S.RecordingOrderId = recordingId;
        Emit(MeetingEventKind.RecordingChanged, detail: "recording");
        await SaveAsync();
    }

    private async Task StopRecordingAsync()
    {
        if (!S.Recording)
        {
            throw new ValidationException("No recording is running");
        }

        if (await Placement.HomeAsync() is { } worker)
        {
            await Safely(() => worker.StopRecordingAsync(Id), "stop recording");
        }

        var ids = new[] { S.RecordingId, S.VideoRecordingId }.OfType<Guid>().ToList();
        if (ids.Count > 0)
        {
            await Safely(() => GrainFactory.GetGrain<IRecordingCatalogGrain>(Id).RecordingStoppedAsync(ids, DateTimeOffset.UtcNow), "mark the recording stopped");
        }

        S.Recording = false;
        S.RecordingDegraded = false;
        S.RecordingId = null;
        S.VideoRecordingId = null;
        S.RecordingOrderId = null;
        Emit(MeetingEventKind.RecordingChanged, detail: "stopped");
        await SaveAsync();
    }

    private async Task StopRecordingOnEndAsync()
    {
        if (S.Recording)
        {
            try
            {
                await StopRecordingAsync();
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                logger.LogWarning(e, "Meeting {MeetingId}: could not stop recording at the end", Id);
            }
        }
    }

    /// <summary>A leg is up: the plan's RecordMeeting / PerUtteranceRecording start now, once per meeting
    /// (not awaited by the join; a failure is logged and shown as no recording).</summary>
    private void MediaCameUp()
    {
        WatchWorkers();
        var settings = S.Spec?.Recording;
        if (S.AutoRecordingTried || S.Recording || settings is null || !(settings.RecordMeeting || RecordsUtterances(settings)))
        {
            return;
        }

        S.AutoRecordingTried = true;
        _ = AutoStartRecordingAsync(settings.RecordMeeting, RecordsUtterances(settings));
    }

    /// <summary>Minutes are made from the per-utterance recordings, so asking for minutes records utterances.</summary>
    private static bool RecordsUtterances(RecordingSettings? settings) =>
        settings is not null && (settings.PerUtteranceRecording || settings.Minutes);

    private async Task AutoStartRecordingAsync(bool wholeMeeting, bool perUtterance)
    {
        try
        {
            await StartRecordingAsync(wholeMeeting, perUtterance);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            logger.LogWarning(e, "Meeting {MeetingId}: the planned recording did not start", Id);
            await SaveAsync();
        }
    }

    // ---- IMeetingRecordingsGrain (the catalog)

    public Task<RecordingAudience?> GetRecordingAudienceAsync(string? userNumber)
    {
        if (!S.Exists)
        {
            return Task.FromResult<RecordingAudience?>(null);
        }

        var listener = false;
        var participant = false;
        if (!string.IsNullOrEmpty(userNumber))
        {
            listener = MeetingRoleOf(userNumber) >= Role.Chair || (S.Spec?.RecordingListeners?.Contains(userNumber) ?? false);
            participant = userNumber == S.OwnerNumber || S.Participants.Any(p => p.UserNumber == userNumber || p.DialNumber == userNumber);
        }

        return Task.FromResult<RecordingAudience?>(new RecordingAudience(S.TenantId, S.Status, listener, participant));
    }

    public Task<SpeakerInfo> GetSpeakerAsync(string participantId) =>
        Task.FromResult(Find(participantId) is { } p ? new SpeakerInfo(p.UserNumber, p.DisplayName) : new SpeakerInfo(null, null));

    public Task OnUtteranceRecordedAsync(Guid utteranceId)
    {
        if (S.Exists)
        {
            Emit(MeetingEventKind.UtteranceRecorded, detail: utteranceId.ToString("D"));
        }

        return Task.CompletedTask;
    }

    public Task<MinutesAudience?> GetMinutesAudienceAsync(string? userNumber)
    {
        if (!S.Exists)
        {
            return Task.FromResult<MinutesAudience?>(null);
        }

        Role? role = null;
        var participant = false;
        if (!string.IsNullOrEmpty(userNumber))
        {
            role = MeetingRoleOf(userNumber);
            participant = userNumber == S.OwnerNumber || S.Participants.Any(p => p.UserNumber == userNumber || p.DialNumber == userNumber);
        }

        var people = S.Participants
            .Select(p => new Minutes.MinutesParticipant(p.UserNumber, p.DisplayName))
            .DistinctBy(p => (p.Number, p.Name))
            .ToList();
        return Task.FromResult<MinutesAudience?>(new MinutesAudience(
            S.TenantId, S.Status, S.Spec?.Recording?.Minutes ?? false, S.Spec?.Title ?? "", role, participant, people));
    }

    public Task OnMinutesEntryAsync(Guid entryId, bool edited)
    {
        if (S.Exists)
        {
            Emit(edited ? MeetingEventKind.MinutesEntryEdited : MeetingEventKind.MinutesEntryAdded, detail: entryId.ToString("D"));
        }

        return Task.CompletedTask;
    }

    public async Task OnRecordingHealthAsync(Guid recordingId, RecordingHealth health)
    {
        if (!S.Exists || !S.Recording || (recordingId != S.RecordingId && recordingId != S.VideoRecordingId && recordingId != S.RecordingOrderId))
        {
            return;
        }

        var degraded = health == RecordingHealth.Degraded;
        if (degraded != S.RecordingDegraded)
        {
            S.RecordingDegraded = degraded;
            Emit(MeetingEventKind.RecordingChanged, detail: degraded ? "degraded" : "recording");
            await SaveAsync();
        }
    }
}
