using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Sparkle.Grains.Identity;
using Sparkle.Grains.Internal;
using Sparkle.Grains.Recordings;
using Sparkle.Grains.Security;
using Sparkle.Grains.Tenants;

namespace Sparkle.Grains.Minutes;

/// <summary>A meeting's minutes (key: the meeting id). Entries arrive from the transcription queue in any
/// order and are kept in meeting-time order; the recogniser's text is kept beside every edit. Narrowband
/// entries keep the recogniser's guess only as originalText: the wideband model does not recognise telephone
/// audio reliably, and minutes must not present garbage as text.</summary>
public sealed class MinutesGrain(
    [PersistentState(stateName: "minutes", storageName: SparkleStorage.Name)] IPersistentState<MinutesState> state,
    ILogger<MinutesGrain> logger)
    : Grain, IMinutesGrain
{
    public const int MaxTextLength = 10_000;
    private const int MaxEditsPerEntry = 200;
    public const string NarrowbandReason =
        "Narrowband (telephone, G.711) audio: the installed English model recognises wideband speech only, so no text is shown; listen to the audio.";

    private Guid MeetingId => this.GetPrimaryKey();
    private MinutesState S => state.State;
    private IMeetingRecordingsGrain Meeting => GrainFactory.GetGrain<IMeetingRecordingsGrain>(MeetingId);
    private TimeProvider Clock => ServiceProvider.GetService<TimeProvider>() ?? TimeProvider.System;

    // ---- The transcription queue

    public async Task<MinutesEntry> AddEntryAsync(TranscriptionJob job, TranscriptionResult result)
    {
        ArgumentNullException.ThrowIfNull(job);
        ArgumentNullException.ThrowIfNull(result);
        var meeting = await Meeting.GetMinutesAudienceAsync(null);
        if (meeting is null || meeting.TenantId != job.TenantId || (S.TenantId != Guid.Empty && S.TenantId != job.TenantId))
        {
            throw new NotFoundException("No such meeting.");
        }

        if (S.Entries.FirstOrDefault(e => e.UtteranceId == job.UtteranceId) is { } existing)
        {
            return ToEntry(existing); // a second completion of the same utterance: still one entry
        }

        var transcribed = result.Status == MinutesEntryStatus.Transcribed;
        var recognised = transcribed ? Truncate(result.Text ?? "") : null;
        var record = new MinutesEntryRecord
        {
            Id = Guid.NewGuid(),
            UtteranceId = job.UtteranceId,
            SpeakerNumber = job.SpeakerNumber,
            SpeakerName = job.SpeakerName,
            StartedAt = job.StartedAt,
            EndedAt = job.EndedAt,
            Text = transcribed && !result.Narrowband ? recognised : null,
            OriginalText = recognised,
            Confidence = double.IsFinite(result.Confidence) ? Math.Clamp(result.Confidence, 0, 1) : 0,
            Narrowband = result.Narrowband,
            Status = Enum.IsDefined(result.Status) ? result.Status : MinutesEntryStatus.Untranscribed,
            Reason = result.Reason is { } reason ? Truncate(reason) : result.Narrowband ? NarrowbandReason : null,
        };

        S.TenantId = job.TenantId;
        // Transcriptions finish in any order; the minutes read in the order things were said.
        var at = S.Entries.FindLastIndex(e => e.StartedAt <= record.StartedAt) + 1;
        S.Entries.Insert(at, record);
        var lag = Clock.GetUtcNow() - job.EnqueuedAt;
        S.LastLag = lag < TimeSpan.Zero ? TimeSpan.Zero : lag;
        await state.WriteStateAsync();
        await EmitAsync(record.Id, edited: false);
        return ToEntry(record);
    }

    public async Task DeleteAllAsync()
    {
        await state.ClearStateAsync();
        state.State = new MinutesState();
    }

    // ---- Users

    public async Task<MinutesView> GetAsync(Caller caller)
    {
        var meeting = await DemandAsync(caller, Operation.ReadMinutes);
        return await ViewAsync(meeting);
    }

    public async Task<MinutesEntry> EditAsync(Caller caller, Guid entryId, string text)
    {
        await DemandAsync(caller, Operation.EditMinutes);
        if (S.Status == MinutesStatus.Final)
        {
            throw new ValidationException("The minutes are final: they can no longer be edited.");
        }

        if (text is null || text.Length > MaxTextLength)
        {
            throw new ValidationException($"The text is required and at most {MaxTextLength} characters.");
        }

        var record = S.Entries.FirstOrDefault(e => e.Id == entryId) ?? throw new NotFoundException("No such minutes entry.");
        var clean = text.Trim();
        record.Edits.Add(new MinutesEdit(Clock.GetUtcNow(), Who(caller), clean));
        if (record.Edits.Count > MaxEditsPerEntry)
        {
            record.Edits.RemoveAt(0); // the recognised text stays in OriginalText whatever is dropped here
        }

        record.Text = clean;
        await state.WriteStateAsync();
        await EmitAsync(record.Id, edited: true);
        return ToEntry(record);
    }

    public async Task<MinutesView> FinalizeAsync(Caller caller)
    {
        var meeting = await DemandAsync(caller, Operation.FinalizeMinutes);
        if (S.Status == MinutesStatus.Final)
        {
            throw new ValidationException("The minutes are already final.");
        }

        S.TenantId = meeting.TenantId;
        S.Status = MinutesStatus.Final;
        S.FinalizedAt = Clock.GetUtcNow();
        S.FinalizedBy = Who(caller);
        await state.WriteStateAsync();
        return await ViewAsync(meeting);
    }

    public async Task SetEditorAsync(Caller caller, string? userNumber)
    {
        var meeting = await DemandAsync(caller, Operation.SetMinutesEditor);
        var number = string.IsNullOrWhiteSpace(userNumber) ? null : userNumber.Trim();
        if (number is not null && await GrainFactory.GetGrain<ITenantGrain>(meeting.TenantId).GetRoleAsync(number) is null)
        {
            throw new ValidationException($"No user {number} in this tenant.");
        }

        S.TenantId = meeting.TenantId;
        S.Editor = number;
        await state.WriteStateAsync();
    }

    public async Task<PlaybackGrant> CheckEntryAudioAsync(Caller caller, Guid utteranceId)
    {
        var meeting = await DemandAsync(caller, Operation.ReadMinutes);
        if (S.Entries.All(e => e.UtteranceId != utteranceId))
        {
            throw new NotFoundException("No such minutes entry.");
        }

        // Reading the minutes includes hearing what each entry was made from; the catalog still says whether the
        // audio exists (deleted, retention: NotFound).
        return await GrainFactory.GetGrain<IRecordingCatalogGrain>(MeetingId).CheckUtteranceAsync(Caller.System(meeting.TenantId), utteranceId);
    }

    // ---- Rights

    /// <summary>The matrix, the tenant (NotFound for another), and the meeting's own grants: its owner, chairs
    /// and minutes editor are raised to Manager for reading, editing and finalizing; its participants for
    /// reading when the tenant allows it. Then: a meeting that takes no minutes is refused.</summary>
    private async Task<MinutesAudience> DemandAsync(Caller caller, Operation operation)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var number = caller.Kind == CallerKind.User ? caller.UserNumber : null;
        var meeting = await Meeting.GetMinutesAudienceAsync(number) ?? throw new NotFoundException("No such meeting.");
        if (S.TenantId != Guid.Empty && S.TenantId != meeting.TenantId)
        {
            throw new NotFoundException("No such meeting.");
        }

        var raised = meeting.MeetingRole;
        if (number is not null && operation != Operation.SetMinutesEditor && caller.TenantId == meeting.TenantId)
        {
            var special = meeting.MeetingRole >= Role.Chair || number == S.Editor
                || (operation == Operation.ReadMinutes && meeting.IsParticipant && (await PoliciesAsync(meeting.TenantId)).ParticipantsReadMinutes);
            if (special)
            {
                raised = Role.Manager;
            }
        }

        await Access.DemandAsync(GrainFactory, meeting.TenantId, caller, operation, raised);
        if (!meeting.TakesMinutes)
        {
            throw new ValidationException(
                "This meeting takes no minutes: minutes are made from per-utterance recordings; turn on recording.minutes in the meeting's plan (it records per utterance).");
        }

        return meeting;
    }

    private async Task<TenantPolicies> PoliciesAsync(Guid tenantId) =>
        (await GrainFactory.GetGrain<ITenantUsersGrain>(tenantId).FindTenantAsync())?.Policies ?? new TenantPolicies();

    private async Task<MinutesView> ViewAsync(MinutesAudience meeting)
    {
        var waiting = await GrainFactory.GetGrain<ITranscriptionQueueGrain>(0).OldestWaitingAsync(MeetingId);
        return new MinutesView(MeetingId, meeting.TenantId, meeting.Title, S.Status, waiting ?? S.LastLag,
            S.Entries.Select(ToEntry).ToList(), S.Editor, meeting.Participants, S.FinalizedAt, S.FinalizedBy);
    }

    private async Task EmitAsync(Guid entryId, bool edited)
    {
        try
        {
            await Meeting.OnMinutesEntryAsync(entryId, edited);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // The entry is stored; a lost live event is caught up by reading the minutes.
            logger.LogWarning(e, "Meeting {MeetingId}: could not emit the minutes event for {EntryId}", MeetingId, entryId);
        }
    }

    private static string Who(Caller caller) => caller.Kind == CallerKind.User ? caller.UserNumber! : caller.Kind.ToString().ToLowerInvariant();

    private static string Truncate(string text) => text.Length <= MaxTextLength ? text : text[..MaxTextLength];

    private static MinutesEntry ToEntry(MinutesEntryRecord r)
    {
        var last = r.Edits.Count > 0 ? r.Edits[^1] : null;
        return new MinutesEntry(r.Id, r.UtteranceId, r.SpeakerNumber, r.SpeakerName, r.StartedAt, r.EndedAt, r.Text, r.OriginalText,
            r.Confidence, r.Narrowband, r.Status, r.Reason, last?.By, last?.At, r.Edits.ToList());
    }
}
