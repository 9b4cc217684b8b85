using Sparkle.Grains.Identity;
using Sparkle.Grains.Meetings;
using Sparkle.Grains.Minutes;
using Sparkle.Grains.Plans;
using Sparkle.Grains.Recordings;
using Sparkle.Grains.Tenants;
using Sparkle.Grains.Tests.Infrastructure;
using Sparkle.Grains.Tests.Recordings;

namespace Sparkle.Grains.Tests.Minutes;

/// <summary>The transcription queue and the minutes grain through real grain calls; the test plays the media
/// worker (stored utterances) and the transcription worker (lease, complete). The queue is the cluster's one
/// queue: each test takes only the jobs of its own meeting and completes them all, with short leases so a job
/// of another test it happens to lease returns quickly.</summary>
[Collection(ClusterCollection.Name)]
public sealed class MinutesTests(ClusterFixture fixture)
{
    private static readonly TimeSpan ShortLease = TimeSpan.FromMilliseconds(300);

    private ITranscriptionQueueGrain Queue => fixture.Grains.GetGrain<ITranscriptionQueueGrain>(0);

    /// <summary>A running meeting owned by 1004 (a member) with 1005 planned as a participant and dialled in,
    /// whose plan asks for minutes only; it records per utterance as soon as the leg is up.</summary>
    private async Task<Taken> MeetingAsync(TenantPolicies? policies = null, RecordingSettings? settings = null)
    {
        var t = await TestTenant.CreateAsync(fixture.Grains, policies);
        var meeting = fixture.Grains.GetGrain<IMeetingGrain>(Guid.NewGuid());
        await meeting.CreateAsync(t.Member, new MeetingSpec("Board", [new PlannedParticipant("1005")],
            Recording: settings ?? new RecordingSettings(Minutes: true)));
        var join = await meeting.JoinAsync(t.System, RecordingControlTests.DialIn("1005"));
        Assert.True(join.Accepted, join.Reason);
        await Eventually.WaitAsync(async () => (await meeting.GetAsync(t.System))!.Recording, r => r, "the planned recording");
        return new Taken(t, meeting, fixture.Grains.GetGrain<IMinutesGrain>(meeting.GetPrimaryKey()),
            fixture.Grains.GetGrain<IRecordingCatalogGrain>(meeting.GetPrimaryKey()), join.ParticipantId!);
    }

    private sealed record Taken(TestTenant T, IMeetingGrain Meeting, IMinutesGrain Minutes, IRecordingCatalogGrain Catalog, string Speaker)
    {
        public Guid Id => Meeting.GetPrimaryKey();
    }

    /// <summary>Leases until <paramref name="count"/> jobs of the meeting are held by <paramref name="worker"/>.</summary>
    private async Task<List<TranscriptionLease>> LeaseOwnAsync(Guid meetingId, string worker, int count, TimeSpan? lease = null)
    {
        var mine = new List<TranscriptionLease>();
        var deadline = DateTimeOffset.UtcNow.AddSeconds(20);
        while (mine.Count < count)
        {
            Assert.True(DateTimeOffset.UtcNow < deadline, $"only {mine.Count} of {count} jobs of the meeting were leased");
            var leased = await Queue.LeaseAsync(worker, 100, lease ?? ShortLease);
            mine.AddRange(leased.Where(l => l.Job.MeetingId == meetingId));
            if (mine.Count < count)
            {
                await Task.Delay(100);
            }
        }

        return mine;
    }

    private static TranscriptionResult Text(string text, double confidence = 0.7) =>
        new(MinutesEntryStatus.Transcribed, text, confidence, false, null, "test", "en-US");

    /// <summary>Stores utterances and completes each with its index as text.</summary>
    private async Task<List<UtteranceInfo>> TranscribedAsync(Taken m, int count)
    {
        var start = DateTimeOffset.UtcNow;
        var utterances = Enumerable.Range(0, count).Select(i => RecordingSamples.Utterance(m.Speaker, start.AddSeconds(i * 5))).ToList();
        foreach (var u in utterances)
        {
            await m.Catalog.AddUtteranceAsync(u);
        }

        foreach (var lease in await LeaseOwnAsync(m.Id, "w", count))
        {
            var index = utterances.FindIndex(u => u.UtteranceId == lease.Job.UtteranceId);
            Assert.True(await Queue.CompleteAsync("w", lease.Job.UtteranceId, Text($"utterance {index}")));
        }

        return utterances;
    }

    [Fact]
    public async Task MinutesRecordPerUtteranceAndEachStoredUtteranceBecomesOneEntry()
    {
        var m = await MeetingAsync();
        Assert.Contains(fixture.Worker.RecordingStarts, s => s.MeetingId == m.Id && s.Order.PerUtterance && !s.Order.WholeMeeting);
        var observer = new RecordingObserver();
        await m.Meeting.SubscribeAsync(m.T.System, fixture.Cluster.Client.CreateObjectReference<IMeetingObserver>(observer));
        var utterance = RecordingSamples.Utterance(m.Speaker, DateTimeOffset.UtcNow);
        await m.Catalog.AddUtteranceAsync(utterance);
        await m.Catalog.AddUtteranceAsync(utterance); // the worker's retry: still one job

        var lease = Assert.Single(await LeaseOwnAsync(m.Id, "w1", 1));
        Assert.Equal(utterance.UtteranceId, lease.Job.UtteranceId);
        Assert.Equal(utterance.BlobName, lease.Job.BlobName);
        Assert.Equal(m.T.Id, lease.Job.TenantId);
        Assert.Equal("1005", lease.Job.SpeakerNumber);
        Assert.Equal(1, lease.Attempt);
        Assert.True(await Queue.CompleteAsync("w1", utterance.UtteranceId, Text("hello board")));
        Assert.False(await Queue.CompleteAsync("w1", utterance.UtteranceId, Text("hello again")));
        await m.Catalog.AddUtteranceAsync(utterance); // a late retry after completion is not queued again
        Assert.Null(await Queue.OldestWaitingAsync(m.Id));

        var minutes = await m.Minutes.GetAsync(m.T.Member);
        var entry = Assert.Single(minutes.Entries);
        Assert.Equal(MinutesStatus.Live, minutes.Status);
        Assert.Equal("Board", minutes.Title);
        Assert.Equal(("hello board", "hello board", "1005", "Caller 1005"), (entry.Text, entry.OriginalText, entry.SpeakerNumber, entry.SpeakerName));
        Assert.Equal((utterance.StartedAt, utterance.EndedAt, utterance.UtteranceId), (entry.StartedAt, entry.EndedAt, entry.UtteranceId));
        Assert.Equal(MinutesEntryStatus.Transcribed, entry.Status);
        Assert.Equal(0.7, entry.Confidence, 3);
        await Eventually.WaitAsync(() => observer.Events.Any(e => e.Kind == MeetingEventKind.MinutesEntryAdded && e.Detail == entry.Id.ToString("D")), "the entry event");
    }

    [Fact]
    public async Task AnExpiredLeaseGoesToAnotherWorkerAndTheUtteranceGetsExactlyOneEntry()
    {
        var m = await MeetingAsync();
        var utterance = RecordingSamples.Utterance(m.Speaker, DateTimeOffset.UtcNow);
        await m.Catalog.AddUtteranceAsync(utterance);

        // Worker A takes it and dies (never completes). Until the lease passes, nobody else gets it.
        Assert.Single(await LeaseOwnAsync(m.Id, "a", 1, TimeSpan.FromSeconds(1)));
        Assert.DoesNotContain(await Queue.LeaseAsync("b", 100, ShortLease), l => l.Job.MeetingId == m.Id);
        Assert.NotNull(await Queue.OldestWaitingAsync(m.Id));
        await Task.Delay(1_200);
        var again = Assert.Single(await LeaseOwnAsync(m.Id, "b", 1, TimeSpan.FromSeconds(30)));
        Assert.Equal(2, again.Attempt);

        Assert.True(await Queue.CompleteAsync("b", utterance.UtteranceId, Text("from b")));
        Assert.False(await Queue.CompleteAsync("a", utterance.UtteranceId, Text("from a, too late")));
        var entry = Assert.Single((await m.Minutes.GetAsync(m.T.Manager)).Entries);
        Assert.Equal("from b", entry.Text);
    }

    [Fact]
    public async Task AJobWhoseLeasesKeepExpiringEndsUntranscribedWithItsAudioKept()
    {
        var m = await MeetingAsync();
        var utterance = RecordingSamples.Utterance(m.Speaker, DateTimeOffset.UtcNow);
        await m.Catalog.AddUtteranceAsync(utterance);
        for (var attempt = 1; attempt <= TranscriptionQueueGrain.MaxAttempts; attempt++)
        {
            var lease = Assert.Single(await LeaseOwnAsync(m.Id, $"dies-{attempt}", 1, ShortLease));
            Assert.Equal(attempt, lease.Attempt);
            await Task.Delay(ShortLease + TimeSpan.FromMilliseconds(150));
        }

        await Queue.GetStatsAsync(); // sweeps
        var entry = Assert.Single((await m.Minutes.GetAsync(m.T.Manager)).Entries);
        Assert.Equal(MinutesEntryStatus.Untranscribed, entry.Status);
        Assert.Null(entry.Text);
        Assert.Contains("failed 3 times", entry.Reason);
        var grant = await m.Minutes.CheckEntryAudioAsync(m.T.Manager, utterance.UtteranceId);
        Assert.Equal(utterance.BlobName, Assert.Single(grant.Parts).BlobName);
    }

    [Fact]
    public async Task EntriesAreInMeetingTimeOrderWhateverOrderTheyAreTranscribedIn()
    {
        var m = await MeetingAsync();
        var start = DateTimeOffset.UtcNow;
        var utterances = Enumerable.Range(0, 4).Select(i => RecordingSamples.Utterance(m.Speaker, start.AddSeconds(i * 5))).ToList();
        foreach (var u in utterances)
        {
            await m.Catalog.AddUtteranceAsync(u);
        }

        var leases = await LeaseOwnAsync(m.Id, "w", 4, TimeSpan.FromSeconds(30));
        foreach (var lease in leases.OrderByDescending(l => l.Job.StartedAt))
        {
            Assert.True(await Queue.CompleteAsync("w", lease.Job.UtteranceId, Text(lease.Job.UtteranceId.ToString())));
        }

        var entries = (await m.Minutes.GetAsync(m.T.Owner)).Entries;
        Assert.Equal(utterances.Select(u => u.UtteranceId), entries.Select(e => e.UtteranceId));
    }

    [Fact]
    public async Task TheLagIsTheOldestWaitingUtteranceThenHowLongTheLastOneWaited()
    {
        var m = await MeetingAsync();
        Assert.Equal(TimeSpan.Zero, (await m.Minutes.GetAsync(m.T.Owner)).Lag);
        var utterance = RecordingSamples.Utterance(m.Speaker, DateTimeOffset.UtcNow);
        await m.Catalog.AddUtteranceAsync(utterance);
        await Task.Delay(400);
        var waiting = (await m.Minutes.GetAsync(m.T.Owner)).Lag;
        Assert.InRange(waiting, TimeSpan.FromMilliseconds(350), TimeSpan.FromSeconds(10));

        var lease = Assert.Single(await LeaseOwnAsync(m.Id, "w", 1, TimeSpan.FromSeconds(30)));
        await Queue.CompleteAsync("w", lease.Job.UtteranceId, Text("late"));
        var done = (await m.Minutes.GetAsync(m.T.Owner)).Lag;
        Assert.InRange(done, waiting, TimeSpan.FromSeconds(10));
        await Task.Delay(300);
        Assert.Equal(done, (await m.Minutes.GetAsync(m.T.Owner)).Lag); // nothing waits: the last wait, not growing
    }

    [Fact]
    public async Task NarrowbandTextIsWithheldAndUntranscribedEntriesSayWhy()
    {
        var m = await MeetingAsync();
        var start = DateTimeOffset.UtcNow;
        var narrow = RecordingSamples.Utterance(m.Speaker, start);
        var foreign = RecordingSamples.Utterance(m.Speaker, start.AddSeconds(5));
        await m.Catalog.AddUtteranceAsync(narrow);
        await m.Catalog.AddUtteranceAsync(foreign);
        var leases = await LeaseOwnAsync(m.Id, "w", 2, TimeSpan.FromSeconds(30));
        await Queue.CompleteAsync("w", narrow.UtteranceId, new TranscriptionResult(MinutesEntryStatus.Transcribed, "garbled guess", 0.3, true));
        await Queue.CompleteAsync("w", foreign.UtteranceId,
            new TranscriptionResult(MinutesEntryStatus.Untranscribed, "", 0, false, "Minutes language 'de-DE' is not supported"));

        var entries = (await m.Minutes.GetAsync(m.T.Owner)).Entries;
        Assert.Equal(2, leases.Count);
        Assert.True(entries[0].Narrowband);
        Assert.Null(entries[0].Text);
        Assert.Equal("garbled guess", entries[0].OriginalText);
        Assert.Equal(MinutesGrain.NarrowbandReason, entries[0].Reason);
        Assert.Equal(MinutesEntryStatus.Untranscribed, entries[1].Status);
        Assert.Null(entries[1].Text);
        Assert.Contains("de-DE", entries[1].Reason);

        // A person who listened writes the narrowband entry's text; the guess stays as the original.
        var edited = await m.Minutes.EditAsync(m.T.Member, entries[0].Id, "What was really said");
        Assert.Equal(("What was really said", "garbled guess"), (edited.Text, edited.OriginalText));
    }

    [Fact]
    public async Task EditingIsForTheOwnerChairsManagersAndTheMinutesEditorAndKeepsTheHistory()
    {
        var m = await MeetingAsync();
        await TranscribedAsync(m, 1);
        var t = m.T;
        var entry = Assert.Single((await m.Minutes.GetAsync(t.Owner)).Entries);

        // Tenant owner and manager, the meeting's owner (1004, a member), the platform.
        foreach (var allowed in new[] { t.Owner, t.Manager, t.Member, t.System })
        {
            await m.Minutes.EditAsync(allowed, entry.Id, $"by {allowed.UserNumber ?? "system"}");
        }

        // A tenant chair who is not in the meeting, the tenant participant, the planned participant 1005, sync, the operator.
        foreach (var denied in new[] { t.Chair, t.Participant, t.OtherMember, Caller.Sync(t.Id), Caller.Operator })
        {
            await Assert.ThrowsAsync<AccessDeniedException>(() => m.Minutes.EditAsync(denied, entry.Id, "no"));
        }

        // The meeting's owner names 1005 the minutes editor; 1005 may not name anyone.
        await Assert.ThrowsAsync<AccessDeniedException>(() => m.Minutes.SetEditorAsync(t.OtherMember, "1005"));
        await Assert.ThrowsAsync<ValidationException>(() => m.Minutes.SetEditorAsync(t.Member, "9999"));
        await m.Minutes.SetEditorAsync(t.Member, "1005");
        var byEditor = await m.Minutes.EditAsync(t.OtherMember, entry.Id, "  by the editor  ");
        Assert.Equal("by the editor", byEditor.Text);
        Assert.Equal("1005", byEditor.EditedBy);
        Assert.NotNull(byEditor.EditedAt);
        Assert.Equal("utterance 0", byEditor.OriginalText);
        Assert.Equal(["by 1001", "by 1002", "by 1004", "by system", "by the editor"], byEditor.Edits.Select(e => e.Text));
        Assert.Equal("1005", (await m.Minutes.GetAsync(t.OtherMember)).MinutesEditor);

        await m.Minutes.SetEditorAsync(t.Chair, null); // a tenant chair names (or clears) editors by the matrix
        await Assert.ThrowsAsync<AccessDeniedException>(() => m.Minutes.EditAsync(t.OtherMember, entry.Id, "no longer"));
        await Assert.ThrowsAsync<NotFoundException>(() => m.Minutes.EditAsync(t.Owner, Guid.NewGuid(), "no such entry"));
        await Assert.ThrowsAsync<ValidationException>(() => m.Minutes.EditAsync(t.Owner, entry.Id, new string('x', MinutesGrain.MaxTextLength + 1)));
        await Assert.ThrowsAsync<ValidationException>(() => m.Minutes.EditAsync(t.Owner, entry.Id, null!));
    }

    [Fact]
    public async Task ParticipantsReadTheMinutesOnlyWhenTheTenantAllows()
    {
        var closed = await MeetingAsync();
        await Assert.ThrowsAsync<AccessDeniedException>(() => closed.Minutes.GetAsync(closed.T.OtherMember));
        await Assert.ThrowsAsync<AccessDeniedException>(() => closed.Minutes.CheckEntryAudioAsync(closed.T.OtherMember, Guid.NewGuid()));

        var open = await MeetingAsync(new TenantPolicies(ParticipantsReadMinutes: true));
        var utterances = await TranscribedAsync(open, 1);
        Assert.Single((await open.Minutes.GetAsync(open.T.OtherMember)).Entries); // 1005 took part
        await open.Minutes.CheckEntryAudioAsync(open.T.OtherMember, utterances[0].UtteranceId);
        await Assert.ThrowsAsync<AccessDeniedException>(() => open.Minutes.GetAsync(open.T.Participant)); // 1000 did not
        await Assert.ThrowsAsync<AccessDeniedException>(() => open.Minutes.EditAsync(open.T.OtherMember, Guid.NewGuid(), "read only"));
        await Assert.ThrowsAsync<AccessDeniedException>(() => open.Minutes.FinalizeAsync(open.T.OtherMember));
    }

    [Fact]
    public async Task FinalizingFreezesTheMinutes()
    {
        var m = await MeetingAsync();
        await TranscribedAsync(m, 2);
        var entry = (await m.Minutes.GetAsync(m.T.Owner)).Entries[0];
        await Assert.ThrowsAsync<AccessDeniedException>(() => m.Minutes.FinalizeAsync(m.T.OtherMember));

        var final = await m.Minutes.FinalizeAsync(m.T.Member);
        Assert.Equal(MinutesStatus.Final, final.Status);
        Assert.Equal("1004", final.FinalizedBy);
        Assert.Equal(2, final.Entries.Count);
        Assert.Contains(final.Participants, p => p.Number == "1005");
        await Assert.ThrowsAsync<ValidationException>(() => m.Minutes.EditAsync(m.T.Owner, entry.Id, "too late"));
        await Assert.ThrowsAsync<ValidationException>(() => m.Minutes.FinalizeAsync(m.T.Owner));
        Assert.Equal("utterance 0", (await m.Minutes.GetAsync(m.T.Owner)).Entries[0].Text);
    }

    [Fact]
    public async Task AnotherTenantSeesNothing()
    {
        var m = await MeetingAsync();
        var utterances = await TranscribedAsync(m, 1);
        var entry = Assert.Single((await m.Minutes.GetAsync(m.T.Owner)).Entries);
        var other = await TestTenant.CreateAsync(fixture.Grains);
        foreach (var stranger in new[] { other.Owner, other.Manager, other.System })
        {
            await Assert.ThrowsAsync<NotFoundException>(() => m.Minutes.GetAsync(stranger));
            await Assert.ThrowsAsync<NotFoundException>(() => m.Minutes.EditAsync(stranger, entry.Id, "x"));
            await Assert.ThrowsAsync<NotFoundException>(() => m.Minutes.FinalizeAsync(stranger));
            await Assert.ThrowsAsync<NotFoundException>(() => m.Minutes.SetEditorAsync(stranger, "1001"));
            await Assert.ThrowsAsync<NotFoundException>(() => m.Minutes.CheckEntryAudioAsync(stranger, utterances[0].UtteranceId));
        }

        // Nor can another tenant's job write into these minutes.
        var forged = new TranscriptionJob(Guid.NewGuid(), m.Id, other.Id, "b", 1, new WrappedKey("k", new byte[4]), "audio/ogg",
            null, null, DateTimeOffset.UtcNow, DateTimeOffset.UtcNow, DateTimeOffset.UtcNow);
        await Assert.ThrowsAsync<NotFoundException>(() => m.Minutes.AddEntryAsync(forged, Text("forged")));
        Assert.Single((await m.Minutes.GetAsync(m.T.Owner)).Entries);
    }

    [Fact]
    public async Task AMeetingWithoutMinutesQueuesNothingAndItsMinutesAreRefused()
    {
        var m = await MeetingAsync(settings: new RecordingSettings(PerUtteranceRecording: true));
        await m.Catalog.AddUtteranceAsync(RecordingSamples.Utterance(m.Speaker, DateTimeOffset.UtcNow));
        Assert.Null(await Queue.OldestWaitingAsync(m.Id));
        var refused = await Assert.ThrowsAsync<ValidationException>(() => m.Minutes.GetAsync(m.T.Owner));
        Assert.Contains("takes no minutes", refused.Message);
        await Assert.ThrowsAsync<ValidationException>(() => m.Minutes.FinalizeAsync(m.T.Owner));
    }

    [Fact]
    public async Task DeletingTheMeetingDeletesItsMinutesAndDropsItsQueuedUtterances()
    {
        var m = await MeetingAsync();
        await TranscribedAsync(m, 1);
        var waiting = RecordingSamples.Utterance(m.Speaker, DateTimeOffset.UtcNow.AddSeconds(30));
        await m.Catalog.AddUtteranceAsync(waiting);

        await m.Meeting.DeleteAsync(m.T.Manager);

        await Assert.ThrowsAsync<NotFoundException>(() => m.Minutes.GetAsync(m.T.Owner));
        var lease = Assert.Single(await LeaseOwnAsync(m.Id, "w", 1, TimeSpan.FromSeconds(30)));
        Assert.True(await Queue.CompleteAsync("w", lease.Job.UtteranceId, Text("after deletion")));
        Assert.Null(await Queue.OldestWaitingAsync(m.Id));
        var job = lease.Job with { UtteranceId = Guid.NewGuid() };
        await Assert.ThrowsAsync<NotFoundException>(() => m.Minutes.AddEntryAsync(job, Text("no meeting")));
    }
}
