using Sparkle.Grains.Identity;
using Sparkle.Grains.Internal;
using Sparkle.Grains.Meetings;
using Sparkle.Grains.Plans;
using Sparkle.Grains.Recordings;
using Sparkle.Grains.Tenants;
using Sparkle.Grains.Tests.Infrastructure;

namespace Sparkle.Grains.Tests.Recordings;

/// <summary>The catalog: what workers report, who may play, export, replay, delete and read the audit,
/// retention and deletion (the grains are real; the worker's reports are made by the test).</summary>
[Collection(ClusterCollection.Name)]
public sealed class RecordingCatalogTests(ClusterFixture fixture)
{
    /// <summary>A running meeting owned by 1003 (the tenant chair) where 1004 is a planned chair, 1005 a planned
    /// participant and 1000 a named listener; 1004 dialled in (p-id returned), and a recording with one part.</summary>
    private async Task<Recorded> RecordedAsync(TenantPolicies? policies = null)
    {
        var t = await TestTenant.CreateAsync(fixture.Grains, policies);
        var meeting = fixture.Grains.GetGrain<IMeetingGrain>(Guid.NewGuid());
        await meeting.CreateAsync(t.Member, new MeetingSpec("Recorded",
            [new PlannedParticipant("1003", MeetingRole: Role.Chair), new PlannedParticipant("1005")],
            RecordingListeners: ["1000"]));
        var join = await meeting.JoinAsync(t.System, RecordingControlTests.DialIn("1005"));
        Assert.True(join.Accepted, join.Reason);
        await meeting.SetRecordingAsync(t.Member, true);
        var catalog = fixture.Grains.GetGrain<IRecordingCatalogGrain>(meeting.GetPrimaryKey());
        var recording = Assert.Single(await catalog.ListRecordingsAsync(t.Member)).Id;
        await catalog.AddPartAsync(RecordingSamples.Part(recording, 0));
        return new Recorded(t, meeting, catalog, recording, join.ParticipantId!);
    }

    private sealed record Recorded(TestTenant T, IMeetingGrain Meeting, IRecordingCatalogGrain Catalog, Guid Recording, string ParticipantId);

    [Fact]
    public async Task PartsAreListedInOrderWithSizesAndDuration()
    {
        var r = await RecordedAsync();
        await r.Catalog.AddPartAsync(RecordingSamples.Part(r.Recording, 2, last: true));
        await r.Catalog.AddPartAsync(RecordingSamples.Part(r.Recording, 1));
        await r.Catalog.AddPartAsync(RecordingSamples.Part(r.Recording, 1)); // a worker's retry

        var listed = Assert.Single(await r.Catalog.ListRecordingsAsync(r.T.Participant));
        Assert.Equal(3, listed.PartCount);
        Assert.Equal(3_000, listed.SizeBytes);
        Assert.Equal(TimeSpan.FromMinutes(30), listed.Duration);
        Assert.NotNull(listed.EndedAt);
        var grant = await r.Catalog.AuthorizePlaybackAsync(r.T.Manager, r.Recording, false);
        Assert.Equal([0, 1, 2], grant.Parts.Select(p => p.Index));
        Assert.Equal(r.T.Id, grant.TenantId);
        Assert.Equal("video/mp4", grant.ContentType);
        await Assert.ThrowsAsync<NotFoundException>(() => r.Catalog.AddPartAsync(RecordingSamples.Part(Guid.NewGuid(), 0)));
        await Assert.ThrowsAsync<ValidationException>(() => r.Catalog.AddPartAsync(RecordingSamples.Part(r.Recording, 3) with { BlobName = "" }));
    }

    [Fact]
    public async Task UtterancesCarryTheSpeakerAndAreEmittedAsSoonAsStored()
    {
        var r = await RecordedAsync();
        var observer = new RecordingObserver();
        await r.Meeting.SubscribeAsync(r.T.Member, fixture.Cluster.Client.CreateObjectReference<IMeetingObserver>(observer));
        var guest = (await r.Meeting.JoinAsync(r.T.System, RecordingControlTests.DialIn(null))).ParticipantId!;
        var start = DateTimeOffset.UtcNow;
        var first = RecordingSamples.Utterance(r.ParticipantId, start);
        var second = RecordingSamples.Utterance(guest, start.AddSeconds(5));
        var third = RecordingSamples.Utterance(r.ParticipantId, start.AddSeconds(10));

        foreach (var u in new[] { first, second, third })
        {
            await r.Catalog.AddUtteranceAsync(u);
        }

        await r.Catalog.AddUtteranceAsync(first); // a worker's retry is not listed twice
        var all = await r.Catalog.ListUtterancesAsync(r.T.Participant, new UtteranceFilter());
        Assert.Equal([first.UtteranceId, second.UtteranceId, third.UtteranceId], all.Select(u => u.Id));
        Assert.Equal("1005", all[0].SpeakerNumber);
        Assert.Equal("Caller 1005", all[0].SpeakerName);
        Assert.Null(all[1].SpeakerNumber);
        Assert.Equal([first.UtteranceId, third.UtteranceId], (await r.Catalog.ListUtterancesAsync(r.T.Member, new UtteranceFilter("1005"))).Select(u => u.Id));
        Assert.Equal([second.UtteranceId, third.UtteranceId], (await r.Catalog.ListUtterancesAsync(r.T.Member, new UtteranceFilter(After: first.StartedAt))).Select(u => u.Id));
        Assert.Equal([first.UtteranceId], (await r.Catalog.ListUtterancesAsync(r.T.Member, new UtteranceFilter(First: 1))).Select(u => u.Id));
        await Assert.ThrowsAsync<ValidationException>(() => r.Catalog.ListUtterancesAsync(r.T.Member, new UtteranceFilter(First: 0)));
        await Eventually.WaitAsync(() => observer.Events.Count(e => e.Kind == MeetingEventKind.UtteranceRecorded) >= 3, "the utterance events");
        Assert.Equal(
            new[] { first, second, third }.Select(u => u.UtteranceId.ToString("D")),
            observer.Events.Where(e => e.Kind == MeetingEventKind.UtteranceRecorded).OrderBy(e => e.Version).Select(e => e.Detail).Take(3));
    }

    [Fact]
    public async Task UtterancesBeyondOnePageAreAllListed()
    {
        var r = await RecordedAsync();
        var start = DateTimeOffset.UtcNow;
        var count = UtterancePage.Size + 10;
        for (var i = 0; i < count; i++)
        {
            await r.Catalog.AddUtteranceAsync(RecordingSamples.Utterance(r.ParticipantId, start.AddSeconds(i)));
        }

        var listed = new List<UtteranceListing>();
        DateTimeOffset? after = null;
        while (true)
        {
            var page = await r.Catalog.ListUtterancesAsync(r.T.Member, new UtteranceFilter(After: after, First: 100));
            if (page.Count == 0)
            {
                break;
            }

            listed.AddRange(page);
            after = page[^1].StartedAt;
        }

        Assert.Equal(count, listed.Count);
        Assert.Equal(count, listed.Select(u => u.Id).Distinct().Count());
    }

    [Fact]
    public async Task PlayingIsForManagersAndTheMeetingsOwnerChairsAndListeners()
    {
        var r = await RecordedAsync();
        var t = r.T;

        // Owner and manager of the tenant; the meeting's owner (1004, a member), planned chair (1003), listener (1000).
        foreach (var allowed in new[] { t.Owner, t.Manager, t.Member, t.Chair, t.Participant, t.System })
        {
            await r.Catalog.AuthorizePlaybackAsync(allowed, r.Recording, export: false);
        }

        // A planned participant who neither chairs nor listens.
        await Assert.ThrowsAsync<AccessDeniedException>(() => r.Catalog.AuthorizePlaybackAsync(t.OtherMember, r.Recording, false));
        await Assert.ThrowsAsync<AccessDeniedException>(() => r.Catalog.AuthorizePlaybackAsync(Caller.Sync(t.Id), r.Recording, false));
        await Assert.ThrowsAsync<AccessDeniedException>(() => r.Catalog.AuthorizePlaybackAsync(Caller.Operator, r.Recording, false));
        await Assert.ThrowsAsync<NotFoundException>(() => r.Catalog.AuthorizePlaybackAsync(t.Manager, Guid.NewGuid(), false));
    }

    [Fact]
    public async Task ExportIsForOwnersAndManagersAndTheTenantMayNarrowIt()
    {
        var r = await RecordedAsync();
        await r.Catalog.AuthorizePlaybackAsync(r.T.Owner, r.Recording, export: true);
        await r.Catalog.AuthorizePlaybackAsync(r.T.Manager, r.Recording, export: true);
        foreach (var denied in new[] { r.T.Member, r.T.Chair, r.T.Participant })
        {
            await Assert.ThrowsAsync<AccessDeniedException>(() => r.Catalog.AuthorizePlaybackAsync(denied, r.Recording, true));
        }

        var narrow = await RecordedAsync(new TenantPolicies(RecordingExportMinimumRole: Role.Owner));
        await narrow.Catalog.AuthorizePlaybackAsync(narrow.T.Owner, narrow.Recording, export: true);
        await Assert.ThrowsAsync<AccessDeniedException>(() => narrow.Catalog.AuthorizePlaybackAsync(narrow.T.Manager, narrow.Recording, true));

        // A lower minimum does not widen the matrix.
        var wide = await RecordedAsync(new TenantPolicies(RecordingExportMinimumRole: Role.Participant));
        await Assert.ThrowsAsync<AccessDeniedException>(() => wide.Catalog.AuthorizePlaybackAsync(wide.T.Member, wide.Recording, true));
    }

    [Fact]
    public async Task UtterancesAreReplayedByParticipantsWhileTheMeetingRuns()
    {
        var r = await RecordedAsync();
        var u = RecordingSamples.Utterance(r.ParticipantId, DateTimeOffset.UtcNow);
        await r.Catalog.AddUtteranceAsync(u);

        var grant = await r.Catalog.AuthorizeUtteranceAsync(r.T.OtherMember, u.UtteranceId);
        Assert.Equal(u.BlobName, Assert.Single(grant.Parts).BlobName);
        Assert.Equal("audio/ogg", grant.ContentType);
        // 1000 may play the recording (a named listener) but took no part in the meeting.
        await Assert.ThrowsAsync<AccessDeniedException>(() => r.Catalog.AuthorizeUtteranceAsync(r.T.Participant, u.UtteranceId));
        await Assert.ThrowsAsync<NotFoundException>(() => r.Catalog.AuthorizeUtteranceAsync(r.T.Manager, Guid.NewGuid()));

        await r.Meeting.EndAsync(r.T.Member);
        await Assert.ThrowsAsync<AccessDeniedException>(() => r.Catalog.AuthorizeUtteranceAsync(r.T.OtherMember, u.UtteranceId));
        await r.Catalog.AuthorizeUtteranceAsync(r.T.Manager, u.UtteranceId);

        await r.T.Tenant.UpdatePoliciesAsync(r.T.Owner, new TenantPolicies(AllowUtteranceReplayAfterMeeting: true));
        await r.Catalog.AuthorizeUtteranceAsync(r.T.OtherMember, u.UtteranceId);
    }

    [Fact]
    public async Task AUserOutsideTheMeetingReplaysNothing()
    {
        var r = await RecordedAsync();
        var u = RecordingSamples.Utterance(r.ParticipantId, DateTimeOffset.UtcNow);
        await r.Catalog.AddUtteranceAsync(u);
        await r.T.AddUserAsync("1006", Role.Chair);

        await Assert.ThrowsAsync<AccessDeniedException>(() => r.Catalog.AuthorizeUtteranceAsync(r.T.User("1006"), u.UtteranceId));
    }

    [Fact]
    public async Task EveryPlayExportReplayAndDeleteIsAuditedForOwnersAndManagers()
    {
        var r = await RecordedAsync();
        var u = RecordingSamples.Utterance(r.ParticipantId, DateTimeOffset.UtcNow);
        await r.Catalog.AddUtteranceAsync(u);

        await r.Catalog.AuthorizePlaybackAsync(r.T.Chair, r.Recording, false);
        await r.Catalog.AuthorizePlaybackAsync(r.T.Manager, r.Recording, true);
        await r.Catalog.AuthorizeUtteranceAsync(r.T.OtherMember, u.UtteranceId);
        await r.Catalog.CheckPlaybackAsync(r.T.Chair, r.Recording, false); // a link's fetch: checked, not audited
        await Assert.ThrowsAsync<AccessDeniedException>(() => r.Catalog.AuthorizePlaybackAsync(r.T.OtherMember, r.Recording, false));
        await r.Catalog.DeleteRecordingAsync(r.T.Owner, r.Recording);

        var audit = await r.Catalog.GetAuditAsync(r.T.Manager);
        Assert.Equal(
            [("1001", RecordingAuditAction.Delete, r.Recording), ("1005", RecordingAuditAction.Replay, u.UtteranceId),
             ("1002", RecordingAuditAction.Export, r.Recording), ("1003", RecordingAuditAction.Play, r.Recording)],
            audit.Select(a => (a.Who, a.Action, a.ItemId)));
        await r.Catalog.GetAuditAsync(r.T.Owner);
        foreach (var denied in new[] { r.T.Member, r.T.Chair, r.T.Participant })
        {
            await Assert.ThrowsAsync<AccessDeniedException>(() => r.Catalog.GetAuditAsync(denied));
        }
    }

    [Fact]
    public async Task DeletingARecordingForgetsItForGood()
    {
        var r = await RecordedAsync();
        await Assert.ThrowsAsync<AccessDeniedException>(() => r.Catalog.DeleteRecordingAsync(r.T.Chair, r.Recording));
        await Assert.ThrowsAsync<AccessDeniedException>(() => r.Catalog.DeleteRecordingAsync(r.T.Member, r.Recording));

        await r.Catalog.DeleteRecordingAsync(r.T.Manager, r.Recording);

        Assert.Empty(await r.Catalog.ListRecordingsAsync(r.T.Manager));
        await Assert.ThrowsAsync<NotFoundException>(() => r.Catalog.AuthorizePlaybackAsync(r.T.Owner, r.Recording, false));
        await Assert.ThrowsAsync<NotFoundException>(() => r.Catalog.DeleteRecordingAsync(r.T.Owner, r.Recording));
    }

    [Fact]
    public async Task AnotherTenantFindsNothing()
    {
        var r = await RecordedAsync();
        var other = await TestTenant.CreateAsync(fixture.Grains);

        foreach (var stranger in new[] { other.Owner, other.Manager, other.System })
        {
            await Assert.ThrowsAsync<NotFoundException>(() => r.Catalog.ListRecordingsAsync(stranger));
            await Assert.ThrowsAsync<NotFoundException>(() => r.Catalog.ListUtterancesAsync(stranger, new UtteranceFilter()));
            await Assert.ThrowsAsync<NotFoundException>(() => r.Catalog.AuthorizePlaybackAsync(stranger, r.Recording, false));
            await Assert.ThrowsAsync<NotFoundException>(() => r.Catalog.AuthorizePlaybackAsync(stranger, r.Recording, true));
            await Assert.ThrowsAsync<NotFoundException>(() => r.Catalog.DeleteRecordingAsync(stranger, r.Recording));
            await Assert.ThrowsAsync<NotFoundException>(() => r.Catalog.GetAuditAsync(stranger));
        }

        Assert.Single(await r.Catalog.ListRecordingsAsync(r.T.Owner));
        await Assert.ThrowsAsync<NotFoundException>(() => r.Catalog.RecordingStartedAsync(other.Id, [], DateTimeOffset.UtcNow));
    }

    [Fact]
    public async Task RetentionDeletesWhatEndedBeforeTheTenantsLimit()
    {
        var r = await RecordedAsync(new TenantPolicies(RecordingRetentionDays: 30));
        var u = RecordingSamples.Utterance(r.ParticipantId, DateTimeOffset.UtcNow);
        await r.Catalog.AddUtteranceAsync(u);
        await r.Meeting.SetRecordingAsync(r.T.Member, false);
        var sweep = fixture.Grains.GetGrain<IRecordingRetentionGrain>(r.Meeting.GetPrimaryKey());

        Assert.Equal(0, await sweep.ApplyRetentionAsync(DateTimeOffset.UtcNow.AddDays(29)));
        Assert.Single(await r.Catalog.ListRecordingsAsync(r.T.Manager));

        Assert.Equal(2, await sweep.ApplyRetentionAsync(DateTimeOffset.UtcNow.AddDays(31)));
        Assert.Empty(await r.Catalog.ListRecordingsAsync(r.T.Manager));
        Assert.Empty(await r.Catalog.ListUtterancesAsync(r.T.Manager, new UtteranceFilter()));
        await Assert.ThrowsAsync<NotFoundException>(() => r.Catalog.AuthorizeUtteranceAsync(r.T.Manager, u.UtteranceId));
    }

    [Fact]
    public async Task WithoutRetentionNothingExpires()
    {
        var r = await RecordedAsync();
        await r.Meeting.SetRecordingAsync(r.T.Member, false);

        Assert.Equal(0, await fixture.Grains.GetGrain<IRecordingRetentionGrain>(r.Meeting.GetPrimaryKey()).ApplyRetentionAsync(DateTimeOffset.UtcNow.AddYears(10)));
        Assert.Single(await r.Catalog.ListRecordingsAsync(r.T.Manager));
    }

    [Fact]
    public async Task DeletingTheMeetingDeletesItsRecordingsAndUtterances()
    {
        var r = await RecordedAsync();
        var u = RecordingSamples.Utterance(r.ParticipantId, DateTimeOffset.UtcNow);
        await r.Catalog.AddUtteranceAsync(u);
        var page = fixture.Grains.GetGrain<IUtterancePageGrain>(UtterancePage.Key(r.Meeting.GetPrimaryKey(), 0));
        Assert.NotNull(await page.FindAsync(u.UtteranceId));

        await r.Meeting.DeleteAsync(r.T.Manager);

        Assert.Null(await page.FindAsync(u.UtteranceId));
        await Assert.ThrowsAsync<NotFoundException>(() => r.Catalog.ListRecordingsAsync(r.T.Owner));
        // The catalog forgot its tenant and recordings: a new meeting of another tenant with the same id would start empty.
        var other = await TestTenant.CreateAsync(fixture.Grains);
        await r.Catalog.RecordingStartedAsync(other.Id, [], DateTimeOffset.UtcNow);
    }

    [Fact]
    public async Task RotatingWithForgetOldMakesOldDataKeysUnreadable()
    {
        // Through TenantKeyGrain to the silo's key service (the in-memory stand-in: the ring's crypto is tested with FileKeyRing).
        var t = await TestTenant.CreateAsync(fixture.Grains);
        var keys = fixture.Grains.GetGrain<ITenantKeyGrain>(t.Id);
        var old = await keys.GenerateDataKeyAsync();
        Assert.Equal(old.Plaintext, await keys.UnwrapAsync(old.Wrapped));

        await keys.RotateAsync(forgetOld: false);
        Assert.Equal(old.Plaintext, await keys.UnwrapAsync(old.Wrapped));
        var newer = await keys.GenerateDataKeyAsync();
        Assert.NotEqual(old.Wrapped.KeyId, newer.Wrapped.KeyId);

        await keys.RotateAsync(forgetOld: true);
        var error = await Assert.ThrowsAsync<NotFoundException>(() => keys.UnwrapAsync(old.Wrapped));
        Assert.Contains("forgotten", error.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<NotFoundException>(() => keys.UnwrapAsync(newer.Wrapped));

        var fresh = await keys.GenerateDataKeyAsync();
        await keys.ForgetAsync();
        await Assert.ThrowsAsync<NotFoundException>(() => keys.UnwrapAsync(fresh.Wrapped));
    }
}
