using Sparkle.Grains.Identity;
using Sparkle.Grains.Media;
using Sparkle.Grains.Meetings;
using Sparkle.Grains.Plans;
using Sparkle.Grains.Recordings;
using Sparkle.Grains.Tests.Infrastructure;

namespace Sparkle.Grains.Tests.Recordings;

/// <summary>Private replay: what <c>*7</c>, <c>*77</c> and <c>replayUtterance</c> choose, who may, and what the
/// worker (the fake, which records every call) is told to play into which leg.</summary>
[Collection(ClusterCollection.Name)]
public sealed class ReplayTests(ClusterFixture fixture)
{
    private sealed record Call(TestTenant T, IMeetingGrain Meeting, IRecordingCatalogGrain Catalog, string A, string B, string Guest);

    /// <summary>A running meeting with member 1004 (A), member 1005 (B) and a guest connected, recording utterances.</summary>
    private async Task<Call> CallAsync()
    {
        var t = await TestTenant.CreateAsync(fixture.Grains);
        var meeting = fixture.Grains.GetGrain<IMeetingGrain>(Guid.NewGuid());
        await meeting.CreateAsync(t.Chair, new MeetingSpec("Replay", [new PlannedParticipant("1005")]));
        var a = (await meeting.JoinAsync(t.System, RecordingControlTests.DialIn("1004"))).ParticipantId!;
        var b = (await meeting.JoinAsync(t.System, RecordingControlTests.DialIn("1005"))).ParticipantId!;
        var guest = (await meeting.JoinAsync(t.System, RecordingControlTests.DialIn(null))).ParticipantId!;
        var catalog = fixture.Grains.GetGrain<IRecordingCatalogGrain>(meeting.GetPrimaryKey());
        await catalog.RecordingStartedAsync(t.Id, [], DateTimeOffset.UtcNow);
        return new Call(t, meeting, catalog, a, b, guest);
    }

    private static async Task<UtteranceInfo> SaidAsync(Call call, string participantId, double startedSecondsAgo, double endedSecondsAgo)
    {
        var now = DateTimeOffset.UtcNow;
        var utterance = RecordingSamples.Utterance(participantId, now.AddSeconds(-startedSecondsAgo), TimeSpan.FromSeconds(startedSecondsAgo - endedSecondsAgo));
        await call.Catalog.AddUtteranceAsync(utterance);
        return utterance;
    }

    private List<ReplayClip> ReplaysOf(Call call, string participantId) =>
        fixture.Worker.Replays.Where(r => r.MeetingId == call.Meeting.GetPrimaryKey() && r.ParticipantId == participantId).Select(r => r.Clip).ToList();

    private Task KeyAsync(Call call, string participantId, string digits) =>
        call.Meeting.OnMediaEventAsync(new MediaEvent(call.Meeting.GetPrimaryKey(), participantId, MediaEventKind.Dtmf, digits));

    [Fact]
    public async Task StarSevenReplaysTheLatestFinishedUtteranceOfSomeoneElse()
    {
        var call = await CallAsync();
        await SaidAsync(call, call.B, 30, 20);
        var guests = await SaidAsync(call, call.Guest, 9, 5);
        await SaidAsync(call, call.A, 3, 1); // A's own: never replayed to A
        await SaidAsync(call, call.B, 2, -10); // "ends" after now: not finished before the key press

        await KeyAsync(call, call.A, "*");
        await KeyAsync(call, call.A, "7");

        var clip = Assert.Single(ReplaysOf(call, call.A));
        Assert.Equal(call.T.Id, clip.TenantId);
        var segment = Assert.Single(clip.Segments);
        Assert.Equal(guests.UtteranceId, segment.UtteranceId);
        Assert.Equal(guests.BlobName, segment.BlobName);
        Assert.Equal(guests.SealedBytes, segment.SealedBytes);
        Assert.Equal(guests.Key.Ciphertext, segment.Key.Ciphertext);
        Assert.Empty(ReplaysOf(call, call.B));
        var audit = await call.Catalog.GetAuditAsync(call.T.Manager);
        Assert.Contains(audit, e => e.Action == RecordingAuditAction.Replay && e.Who == "1004" && e.ItemId == guests.UtteranceId);

        // A guest replays too (audited by participant id); the latest utterance not its own is B's.
        await KeyAsync(call, call.Guest, "*7");
        Assert.Equal(ReplaysOf(call, call.Guest).Single().Segments.Single().UtteranceId,
            (await call.Catalog.ListUtterancesAsync(call.T.Manager, new UtteranceFilter())).Single(u => u.ParticipantId == call.A).Id);
        Assert.Contains(await call.Catalog.GetAuditAsync(call.T.Manager), e => e.Who == $"participant:{call.Guest}");
    }

    [Theory]
    [InlineData("*77")]
    [InlineData("*7|7")]
    public async Task StarSevenSevenReplaysWhatOthersSaidInTheLast30SecondsInTheOrderTheyStarted(string keys)
    {
        var call = await CallAsync();
        await SaidAsync(call, call.B, 50, 40); // ended before the window
        var b = await SaidAsync(call, call.B, 25, 15);
        var guest = await SaidAsync(call, call.Guest, 40, 10); // started before the window, ended in it: whole
        await SaidAsync(call, call.A, 8, 5); // A's own

        foreach (var part in keys.Split('|'))
        {
            // Once from the media (RFC 4733), once as SIP INFO would bring it.
            if (part.Length > 1)
            {
                await KeyAsync(call, call.A, part);
            }
            else
            {
                await call.Meeting.SignalledDigitsAsync(call.T.System, call.A, part);
            }
        }

        // *7 plays at once; the second 7 replaces it with the 30 s replay.
        var replays = ReplaysOf(call, call.A);
        Assert.Equal(2, replays.Count);
        Assert.Equal([guest.UtteranceId], replays[0].Segments.Select(s => s.UtteranceId));
        Assert.Equal([guest.UtteranceId, b.UtteranceId], replays[1].Segments.Select(s => s.UtteranceId));
    }

    [Fact]
    public async Task KeypadReplayWithNothingRecordedPlaysNothingAndOtherKeysAreNoReplay()
    {
        var call = await CallAsync();
        await SaidAsync(call, call.A, 8, 5); // only A's own

        await KeyAsync(call, call.A, "*7");
        await KeyAsync(call, call.B, "77*6"); // 7s without a star, then mute
        await KeyAsync(call, call.B, "7"); // not after *7
        await KeyAsync(call, call.B, "*6");

        Assert.Empty(ReplaysOf(call, call.A));
        Assert.Empty(ReplaysOf(call, call.B));
        var snapshot = (await call.Meeting.GetAsync(call.T.Chair))!;
        Assert.False(snapshot.Participants.Single(p => p.ParticipantId == call.B).Muted); // *6 twice

        await KeyAsync(call, call.B, "*7");
        Assert.Single(ReplaysOf(call, call.B));
    }

    [Fact]
    public async Task ReplayUtterancePlaysIntoTheCallersOwnLegOnly()
    {
        var call = await CallAsync();
        var b = await SaidAsync(call, call.B, 6, 2);

        Assert.True(await call.Meeting.ReplayUtteranceAsync(call.T.Member, b.UtteranceId));

        var clip = Assert.Single(ReplaysOf(call, call.A));
        Assert.Equal(b.UtteranceId, Assert.Single(clip.Segments).UtteranceId);
        Assert.Contains(await call.Catalog.GetAuditAsync(call.T.Manager), e => e.Action == RecordingAuditAction.Replay && e.Who == "1004");

        // A user with no leg in the meeting, another tenant, an unknown utterance, a platform caller.
        var notConnected = await Assert.ThrowsAsync<ValidationException>(() => call.Meeting.ReplayUtteranceAsync(call.T.Manager, b.UtteranceId));
        Assert.Equal("You are not connected to this meeting: a replay plays into your own call.", notConnected.Message);
        var other = await TestTenant.CreateAsync(fixture.Grains);
        await Assert.ThrowsAsync<NotFoundException>(() => call.Meeting.ReplayUtteranceAsync(other.Member, b.UtteranceId));
        await Assert.ThrowsAsync<NotFoundException>(() => call.Meeting.ReplayUtteranceAsync(call.T.Member, Guid.NewGuid()));
        await Assert.ThrowsAsync<AccessDeniedException>(() => call.Meeting.ReplayUtteranceAsync(call.T.System, b.UtteranceId));

        // Once A has left, there is nothing to play into.
        await call.Meeting.LeaveAsync(call.T.System, call.A, DisconnectionMethod.Departed);
        await Assert.ThrowsAsync<ValidationException>(() => call.Meeting.ReplayUtteranceAsync(call.T.Member, b.UtteranceId));
        Assert.Single(ReplaysOf(call, call.A));
    }
}
