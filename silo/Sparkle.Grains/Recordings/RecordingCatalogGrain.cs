using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Sparkle.Grains.Identity;
using Sparkle.Grains.Internal;
using Sparkle.Grains.Meetings;
using Sparkle.Grains.Minutes;
using Sparkle.Grains.Security;
using Sparkle.Grains.Usage;
using Sparkle.Recordings;

namespace Sparkle.Grains.Recordings;

/// <summary>A meeting's recordings, utterances and audit log (key: the meeting id). Rights come from the
/// matrix plus the meeting itself (its owner, chairs and named listeners play; its participants replay).
/// Deleting forgets the wrapped data keys first (crypto-shredding: a surviving blob copy is unreadable),
/// then deletes the blobs, retrying failed deletions in the retention sweep.</summary>
public sealed class RecordingCatalogGrain(
    [PersistentState(stateName: "recordings", storageName: SparkleStorage.Name)] IPersistentState<RecordingCatalogState> state,
    [PersistentState(stateName: "recording-audit", storageName: SparkleStorage.Name)] IPersistentState<RecordingAuditState> audit,
    ILogger<RecordingCatalogGrain> logger)
    : Grain, IRecordingCatalogGrain, IRecordingRetentionGrain, IRemindable
{
    private const string RetentionReminder = "recording-retention";
    private static readonly TimeSpan RetentionPeriod = TimeSpan.FromHours(6);
    /// <summary>The audit log keeps the newest entries here (each is also logged, for the long-term trail).</summary>
    public const int MaxAuditEntries = 1_000;
    private const int MaxRecordings = 1_000;
    private const int MaxPartsPerRecording = 10_000;

    private Guid MeetingId => this.GetPrimaryKey();
    private RecordingCatalogState S => state.State;
    private IMeetingRecordingsGrain Meeting => GrainFactory.GetGrain<IMeetingRecordingsGrain>(MeetingId);
    private IUtterancePageGrain Page(int index) => GrainFactory.GetGrain<IUtterancePageGrain>(UtterancePage.Key(MeetingId, index));

    // ---- The meeting grain

    public async Task RecordingStartedAsync(Guid tenantId, IReadOnlyList<RecordingStart> recordings, DateTimeOffset at)
    {
        if (S.TenantId != Guid.Empty && S.TenantId != tenantId)
        {
            throw new NotFoundException("Not found.");
        }

        if (S.Recordings.Count + recordings.Count > MaxRecordings)
        {
            throw new ValidationException($"A meeting keeps at most {MaxRecordings} recordings.");
        }

        S.TenantId = tenantId;
        foreach (var start in recordings.Where(r => S.Recordings.All(x => x.Id != r.RecordingId)))
        {
            S.Recordings.Add(new RecordingRecord { Id = start.RecordingId, Kind = start.Kind, StartedAt = at });
        }

        await state.WriteStateAsync();
        await this.RegisterOrUpdateReminder(RetentionReminder, RetentionPeriod, RetentionPeriod);
    }

    public async Task RecordingAbandonedAsync(IReadOnlyList<Guid> recordingIds)
    {
        if (S.Recordings.RemoveAll(r => recordingIds.Contains(r.Id) && r.Parts.Count == 0) > 0)
        {
            await state.WriteStateAsync();
        }
    }

    public async Task RecordingStoppedAsync(IReadOnlyList<Guid> recordingIds, DateTimeOffset at)
    {
        foreach (var record in S.Recordings.Where(r => recordingIds.Contains(r.Id) && r.EndedAt is null))
        {
            record.EndedAt = at;
        }

        await state.WriteStateAsync();
    }

    public async Task DeleteAllAsync()
    {
        var blobs = S.Recordings.SelectMany(r => r.Parts).Select(p => p.BlobName).Concat(S.BlobsToDelete).ToList();
        for (var page = 0; page < S.PageCount; page++)
        {
            blobs.AddRange(await Page(page).RemoveEndedBeforeAsync(null));
        }

        // Everything but the blobs still to delete is forgotten now (the keys with it); the blobs go in the
        // background and by the sweep, after which the catalog clears itself.
        state.State = new RecordingCatalogState { BlobsToDelete = blobs.Distinct().ToList() };
        await state.WriteStateAsync();
        await audit.ClearStateAsync();
        audit.State = new RecordingAuditState();
        // What was said goes with how it sounded (transcriptions still queued find no meeting and are dropped).
        await GrainFactory.GetGrain<IMinutesGrain>(MeetingId).DeleteAllAsync();
        DeleteBlobsInBackground();
    }

    // ---- The worker

    public async Task AddPartAsync(RecordingPartInfo part)
    {
        ValidateStored(part?.BlobName, part?.Key, part?.SealedBytes ?? -1, part?.PlainBytes ?? -1, part?.ContentType);
        ArgumentNullException.ThrowIfNull(part);
        var record = S.Recordings.FirstOrDefault(r => r.Id == part.RecordingId)
            ?? throw new NotFoundException($"No recording {part.RecordingId} in this meeting.");
        if (record.Parts.Any(p => p.Index == part.Index))
        {
            return; // a retry
        }

        if (part.Index < 0 || record.Parts.Count >= MaxPartsPerRecording)
        {
            throw new ValidationException("Bad part index.");
        }

        record.Parts.Add(new PartRecord
        {
            Index = part.Index,
            BlobName = part.BlobName,
            Key = part.Key,
            SealedBytes = part.SealedBytes,
            PlainBytes = part.PlainBytes,
            ContentType = part.ContentType,
            Offset = part.Offset,
            Duration = part.Duration,
        });
        record.Parts.Sort((a, b) => a.Index.CompareTo(b.Index));
        if (part.Last && record.EndedAt is null)
        {
            record.EndedAt = part.StartedAt + part.Duration;
        }

        await state.WriteStateAsync();
        // Recording minutes and bytes of the tenant's usage (append-only ledger, never this grain's state).
        ServiceProvider.GetService<UsageWriter>()?.Enqueue(new RecordingUsageRecord(
            part.RecordingId, part.Index, S.TenantId, MeetingId, part.Kind.ToString().ToLowerInvariant(),
            part.StartedAt, part.Duration.TotalSeconds, part.SealedBytes));
    }

    public async Task AddUtteranceAsync(UtteranceInfo utterance)
    {
        ValidateStored(utterance?.BlobName, utterance?.Key, utterance?.SealedBytes ?? -1, utterance?.PlainBytes ?? -1, utterance?.ContentType);
        if (S.TenantId == Guid.Empty)
        {
            throw new NotFoundException("No recording runs in this meeting.");
        }

        if (string.IsNullOrEmpty(utterance!.ParticipantId) || utterance.EndedAt < utterance.StartedAt)
        {
            throw new ValidationException("An utterance needs a participant and an end after its start.");
        }

        var speaker = await Meeting.GetSpeakerAsync(utterance.ParticipantId);
        var record = new UtteranceRecord
        {
            Id = utterance.UtteranceId,
            ParticipantId = utterance.ParticipantId,
            SpeakerNumber = speaker.Number,
            SpeakerName = speaker.Name,
            StartedAt = utterance.StartedAt,
            EndedAt = utterance.EndedAt,
            RecordingOffset = utterance.RecordingOffset,
            BlobName = utterance.BlobName,
            Key = utterance.Key,
            SealedBytes = utterance.SealedBytes,
            PlainBytes = utterance.PlainBytes,
            ContentType = utterance.ContentType,
        };

        if (S.PageCount == 0 || !await Page(S.PageCount - 1).AddAsync(record))
        {
            if (S.PageCount >= UtterancePage.MaxPages)
            {
                throw new ValidationException($"A meeting keeps at most {UtterancePage.MaxPages * UtterancePage.Size} utterances.");
            }

            S.PageCount++;
            await state.WriteStateAsync();
            await Page(S.PageCount - 1).AddAsync(record);
        }

        // A meeting that takes minutes queues the utterance for transcription before the worker hears "stored"
        // (a failure here fails the call, and the worker's retry queues it: the queue is idempotent).
        if ((await Meeting.GetMinutesAudienceAsync(null))?.TakesMinutes == true)
        {
            await GrainFactory.GetGrain<ITranscriptionQueueGrain>(0).EnqueueAsync(new TranscriptionJob(
                record.Id, MeetingId, S.TenantId, record.BlobName, record.SealedBytes, record.Key, record.ContentType,
                record.SpeakerNumber, record.SpeakerName, record.StartedAt, record.EndedAt, DateTimeOffset.UtcNow));
        }

        await Meeting.OnUtteranceRecordedAsync(record.Id);
    }

    public async Task SetHealthAsync(Guid recordingId, RecordingHealth health)
    {
        if (!Enum.IsDefined(health))
        {
            throw new ValidationException("Unknown recording health.");
        }

        var record = S.Recordings.FirstOrDefault(r => r.Id == recordingId);
        if (record is null)
        {
            // An order that records utterances only has no whole-meeting recording here: the meeting knows it.
            await Meeting.OnRecordingHealthAsync(recordingId, health);
            return;
        }

        if (record.Health != health)
        {
            record.Health = health;
            await state.WriteStateAsync();
            await Meeting.OnRecordingHealthAsync(recordingId, health);
        }
    }

    /// <summary>Pages searched for a keypad replay, newest first: utterances are added as they are stored, so the
    /// last two pages (512 utterances) hold everything that ended in the last minutes of all but huge meetings.</summary>
    private const int ReplayPages = 2;

    public async Task<Sparkle.Grains.Media.ReplayClip?> SelectReplayAsync(ReplaySelection selection)
    {
        ArgumentNullException.ThrowIfNull(selection);
        var endedAfter = selection.Window is { } window ? selection.Now - window : (DateTimeOffset?)null;
        var found = new List<UtteranceRecord>();
        for (var page = S.PageCount - 1; page >= 0 && page >= S.PageCount - ReplayPages; page--)
        {
            found.AddRange(await Page(page).ListEndedAsync(selection.ListenerParticipantId, endedAfter, selection.Now, ReplaySelection.MaxSegments));
        }

        // *7: the one that ended last. *77: all in the window (the latest MaxSegments), played in the order they started.
        var chosen = selection.Window is null
            ? found.OrderByDescending(u => u.EndedAt).ThenByDescending(u => u.StartedAt).Take(1).ToList()
            : found.OrderByDescending(u => u.EndedAt).Take(ReplaySelection.MaxSegments).OrderBy(u => u.StartedAt).ToList();
        if (chosen.Count == 0)
        {
            return null;
        }

        await AuditAsync(selection.Who, RecordingAuditAction.Replay, chosen.Select(u => u.Id));

        return new Sparkle.Grains.Media.ReplayClip(S.TenantId, chosen.Select(u => new Sparkle.Grains.Media.ReplaySegment(u.Id, u.BlobName, u.SealedBytes, u.Key)).ToList());
    }

    // ---- Users

    public async Task<IReadOnlyList<RecordingInfo>> ListRecordingsAsync(Caller caller)
    {
        await DemandAsync(caller, Operation.ViewMeeting);
        return S.Recordings.Select(ToInfo).ToList();
    }

    public async Task<IReadOnlyList<UtteranceListing>> ListUtterancesAsync(Caller caller, UtteranceFilter filter)
    {
        await DemandAsync(caller, Operation.ViewMeeting);
        filter ??= new UtteranceFilter();
        var first = filter.First ?? 100;
        if (first is < 1 or > UtteranceFilter.MaxFirst)
        {
            throw new ValidationException($"first is 1 to {UtteranceFilter.MaxFirst}.");
        }

        var speaker = string.IsNullOrWhiteSpace(filter.SpeakerNumber) ? null : filter.SpeakerNumber.Trim();
        var found = new List<UtteranceListing>();
        for (var page = 0; page < S.PageCount && found.Count < first; page++)
        {
            foreach (var u in await Page(page).ListAsync(speaker, filter.After, first - found.Count))
            {
                found.Add(new UtteranceListing(u.Id, MeetingId, u.ParticipantId, u.SpeakerNumber, u.SpeakerName, u.StartedAt, u.EndedAt, u.RecordingOffset));
            }
        }

        return found;
    }

    public async Task<PlaybackGrant> AuthorizePlaybackAsync(Caller caller, Guid recordingId, bool export)
    {
        var grant = await CheckPlaybackAsync(caller, recordingId, export);
        await AuditAsync(caller, export ? RecordingAuditAction.Export : RecordingAuditAction.Play, recordingId);
        return grant;
    }

    public async Task<PlaybackGrant> AuthorizeUtteranceAsync(Caller caller, Guid utteranceId)
    {
        var grant = await CheckUtteranceAsync(caller, utteranceId);
        await AuditAsync(caller, RecordingAuditAction.Replay, utteranceId);
        return grant;
    }

    public async Task<PlaybackGrant> CheckPlaybackAsync(Caller caller, Guid recordingId, bool export)
    {
        await DemandAsync(caller, export ? Operation.ExportRecording : Operation.PlayRecording);
        var record = S.Recordings.FirstOrDefault(r => r.Id == recordingId)
            ?? throw new NotFoundException($"No recording {recordingId}.");
        if (record.Parts.Count == 0)
        {
            throw new ValidationException("The recording has no stored part yet.");
        }

        var parts = record.Parts
            .Select(p => new PlaybackPart(p.Index, p.BlobName, p.SealedBytes, p.PlainBytes, p.Key, p.Offset, p.Duration))
            .ToList();
        return new PlaybackGrant(S.TenantId, MeetingId, recordingId, record.Parts[0].ContentType, parts);
    }

    public async Task<PlaybackGrant> CheckUtteranceAsync(Caller caller, Guid utteranceId)
    {
        await DemandAsync(caller, Operation.ReplayUtterance);
        var u = await FindUtteranceAsync(utteranceId) ?? throw new NotFoundException($"No utterance {utteranceId}.");
        return new PlaybackGrant(S.TenantId, MeetingId, utteranceId, u.ContentType,
            [new PlaybackPart(0, u.BlobName, u.SealedBytes, u.PlainBytes, u.Key, TimeSpan.Zero, u.EndedAt - u.StartedAt)]);
    }

    public async Task DeleteRecordingAsync(Caller caller, Guid recordingId)
    {
        await DemandAsync(caller, Operation.DeleteRecording);
        var record = S.Recordings.FirstOrDefault(r => r.Id == recordingId)
            ?? throw new NotFoundException($"No recording {recordingId}.");
        await AuditAsync(caller, RecordingAuditAction.Delete, recordingId);
        await ForgetAndDeleteAsync([record], []);
    }

    public async Task<IReadOnlyList<RecordingAuditEntry>> GetAuditAsync(Caller caller)
    {
        await DemandAsync(caller, Operation.ViewRecordingAudit);
        return Enumerable.Reverse(audit.State.Entries).ToList();
    }

    // ---- Retention

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (reminderName == RetentionReminder)
        {
            await ApplyRetentionAsync(DateTimeOffset.UtcNow);
        }
    }

    public async Task<int> ApplyRetentionAsync(DateTimeOffset now)
    {
        await _deletingBlobs;
        _deletingBlobs = DeletePendingBlobsAsync();
        await _deletingBlobs;
        if (S.TenantId == Guid.Empty)
        {
            return 0;
        }

        var tenant = await GrainFactory.GetGrain<ITenantUsersGrain>(S.TenantId).FindTenantAsync();
        var days = tenant?.Policies.RecordingRetentionDays ?? 0;
        var recordings = new List<RecordingRecord>();
        var utteranceBlobs = new List<string>();
        if (days > 0)
        {
            var cutoff = now - TimeSpan.FromDays(days);
            recordings = S.Recordings.Where(r => r.EndedAt is { } ended && ended < cutoff).ToList();
            for (var page = 0; page < S.PageCount; page++)
            {
                utteranceBlobs.AddRange(await Page(page).RemoveEndedBeforeAsync(cutoff));
            }
        }

        await ForgetAndDeleteAsync(recordings, utteranceBlobs);
        if (recordings.Count + utteranceBlobs.Count > 0)
        {
            logger.LogInformation("Meeting {MeetingId}: retention deleted {Recordings} recordings and {Utterances} utterances",
                MeetingId, recordings.Count, utteranceBlobs.Count);
        }

        return recordings.Count + utteranceBlobs.Count;
    }

    // ---- Helpers

    /// <summary>Forgets the records (their wrapped keys) first; the blobs are deleted in the background (a
    /// blob store that is slow or away never holds up the caller) and failures are retried by the sweep.</summary>
    private async Task ForgetAndDeleteAsync(IReadOnlyList<RecordingRecord> recordings, IReadOnlyList<string> utteranceBlobs)
    {
        var blobs = recordings.SelectMany(r => r.Parts).Select(p => p.BlobName).Concat(utteranceBlobs).ToList();
        if (blobs.Count == 0 && recordings.Count == 0)
        {
            return;
        }

        S.Recordings.RemoveAll(recordings.Contains);
        S.BlobsToDelete.AddRange(blobs.Where(b => !S.BlobsToDelete.Contains(b)));
        await state.WriteStateAsync();
        DeleteBlobsInBackground();
    }

    private Task _deletingBlobs = Task.CompletedTask;

    private void DeleteBlobsInBackground()
    {
        if (_deletingBlobs.IsCompleted && S.BlobsToDelete.Count > 0)
        {
            _deletingBlobs = DeletePendingBlobsAsync();
        }
    }

    /// <summary>Deletes the pending blobs; when a deleted meeting's catalog has nothing left, it clears itself.</summary>
    private async Task DeletePendingBlobsAsync()
    {
        try
        {
            var batch = S.BlobsToDelete.ToList();
            var failed = (await DeleteBlobsAsync(batch)).ToHashSet();
            S.BlobsToDelete.RemoveAll(b => batch.Contains(b) && !failed.Contains(b));
            if (S.TenantId == Guid.Empty && S.Recordings.Count == 0 && S.PageCount == 0 && S.BlobsToDelete.Count == 0)
            {
                await state.ClearStateAsync();
                state.State = new RecordingCatalogState();
                if (await this.GetReminder(RetentionReminder) is { } reminder)
                {
                    await this.UnregisterReminder(reminder);
                }
            }
            else
            {
                await state.WriteStateAsync();
            }
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            logger.LogWarning(e, "Meeting {MeetingId}: deleting recording blobs failed; the sweep retries", MeetingId);
        }
    }

    private async Task<List<string>> DeleteBlobsAsync(IReadOnlyList<string> blobs)
    {
        var failed = new List<string>();
        var store = ServiceProvider.GetService<RecordingBlobStore>();
        foreach (var blob in blobs.Distinct())
        {
            try
            {
                if (store is null)
                {
                    throw new InvalidOperationException("Recording storage is not configured.");
                }

                using var timeout = new CancellationTokenSource(BlobDeleteTimeout);
                await store.DeleteAsync(blob, timeout.Token);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                logger.LogWarning(e, "Meeting {MeetingId}: could not delete recording blob {Blob} (its key is forgotten)", MeetingId, blob);
                failed.Add(blob);
            }
        }

        return failed;
    }

    private static readonly TimeSpan BlobDeleteTimeout = TimeSpan.FromSeconds(10);

    private async Task<UtteranceRecord?> FindUtteranceAsync(Guid utteranceId)
    {
        // Newest pages first: replays are mostly of what was just said.
        for (var page = S.PageCount - 1; page >= 0; page--)
        {
            if (await Page(page).FindAsync(utteranceId) is { } found)
            {
                return found;
            }
        }

        return null;
    }

    /// <summary>The matrix, the tenant (from the meeting: NotFound for other tenants) and the meeting's own
    /// grants: its owner, chairs and named listeners play; only its participants replay (managers always
    /// may), while it runs or, by tenant policy, after; export may be narrowed to owners by tenant policy.</summary>
    private async Task<Grant> DemandAsync(Caller caller, Operation operation)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var number = caller.Kind == CallerKind.User ? caller.UserNumber : null;
        var meeting = await Meeting.GetRecordingAudienceAsync(number) ?? throw new NotFoundException("No such meeting.");
        if (S.TenantId != Guid.Empty && S.TenantId != meeting.TenantId)
        {
            throw new NotFoundException("No such meeting.");
        }

        Role? raised = operation == Operation.PlayRecording && meeting.IsListener ? Role.Manager : null;
        var grant = await Access.DemandAsync(GrainFactory, meeting.TenantId, caller, operation, raised);
        if (!grant.IsUser)
        {
            return grant;
        }

        switch (operation)
        {
            case Operation.ExportRecording:
                var policies = await PoliciesAsync(meeting.TenantId);
                var minimum = policies.RecordingExportMinimumRole > Role.Manager ? policies.RecordingExportMinimumRole : Role.Manager;
                if (!grant.AtLeast(minimum))
                {
                    throw new AccessDeniedException($"The tenant lets only {minimum.ToWire()}s download recordings.");
                }

                break;
            case Operation.ReplayUtterance when !grant.AtLeast(Role.Manager):
                if (!meeting.IsParticipant)
                {
                    throw new AccessDeniedException("Only participants of the meeting replay its utterances.");
                }

                if (meeting.Status != MeetingStatus.Active && !(await PoliciesAsync(meeting.TenantId)).AllowUtteranceReplayAfterMeeting)
                {
                    throw new AccessDeniedException("Utterances are replayed only while the meeting runs.");
                }

                break;
        }

        return grant;
    }

    private async Task<Tenants.TenantPolicies> PoliciesAsync(Guid tenantId) =>
        (await GrainFactory.GetGrain<ITenantUsersGrain>(tenantId).FindTenantAsync())?.Policies ?? new Tenants.TenantPolicies();

    private Task AuditAsync(Caller caller, RecordingAuditAction action, Guid itemId) =>
        AuditAsync(caller.Kind == CallerKind.User ? caller.UserNumber! : caller.Kind.ToString().ToLowerInvariant(), action, [itemId]);

    /// <summary>One row per item, one write.</summary>
    private async Task AuditAsync(string who, RecordingAuditAction action, IEnumerable<Guid> itemIds)
    {
        var entries = audit.State.Entries;
        foreach (var itemId in itemIds)
        {
            entries.Add(new RecordingAuditEntry(DateTimeOffset.UtcNow, who, action, itemId));
            logger.LogInformation("Recording audit: meeting {MeetingId} {Who} {Action} {ItemId}", MeetingId, who, action, itemId);
        }

        if (entries.Count > MaxAuditEntries)
        {
            entries.RemoveRange(0, entries.Count - MaxAuditEntries);
        }

        await audit.WriteStateAsync();
    }

    private RecordingInfo ToInfo(RecordingRecord r) => new(
        r.Id, MeetingId, r.Kind, r.StartedAt, r.EndedAt,
        r.Parts.Aggregate(TimeSpan.Zero, (sum, p) => sum + p.Duration),
        r.Parts.Sum(p => p.PlainBytes),
        r.Parts.Count,
        r.Health);

    private static void ValidateStored(string? blobName, WrappedKey? key, long sealedBytes, long plainBytes, string? contentType)
    {
        if (string.IsNullOrWhiteSpace(blobName) || blobName.Length > 256 || key is null || key.Ciphertext is null
            || sealedBytes < 0 || plainBytes < 0 || string.IsNullOrWhiteSpace(contentType) || contentType.Length > 100)
        {
            throw new ValidationException("A stored part or utterance needs a blob name, a wrapped key, sizes and a content type.");
        }
    }
}
