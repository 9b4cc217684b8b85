using Sparkle.Grains.Identity;
using Sparkle.Grains.Media;
using Sparkle.Grains.Meetings;
using Sparkle.Grains.Plans;
using Sparkle.Grains.Tests.Infrastructure;

namespace Sparkle.Grains.Tests.Meetings;

/// <summary>The console's live preview through the meeting grain: who may see it, and when there is one.</summary>
[Collection(ClusterCollection.Name)]
public sealed class LivePreviewTests(ClusterFixture fixture)
{
    private static readonly byte[] s_jpeg = [0xFF, 0xD8, 0xFF, 0xE0, 1, 2, 3, 0xFF, 0xD9];

    /// <summary>A meeting planned with 1005 (participant) and 1003 (chair), with a guest connected.</summary>
    private async Task<IMeetingGrain> RunningAsync(TestTenant t, string sdp = "v=0\r\n")
    {
        var meeting = fixture.Grains.GetGrain<IMeetingGrain>(Guid.NewGuid());
        await meeting.CreateAsync(t.System, new MeetingSpec("Board",
            [new PlannedParticipant("1005"), new PlannedParticipant("1003", MeetingRole: Role.Chair)]));
        var joined = await meeting.JoinAsync(t.System, new JoinRequest($"call-{Guid.NewGuid():N}", "sip:guest@example.test", "Guest", null, sdp,
            new LegSecurity(false, false), null));
        Assert.Equal(JoinRefusal.None, joined.Refusal);
        fixture.Worker.Previews[meeting.GetPrimaryKey()] = new PreviewPicture(s_jpeg, 1280, 720, DateTimeOffset.UtcNow);
        return meeting;
    }

    [Fact]
    public async Task ChairsParticipantsAndManagersGetTheWorkersPicture()
    {
        var t = await TestTenant.CreateAsync(fixture.Grains);
        var meeting = await RunningAsync(t);

        foreach (var caller in new[] { t.Chair, t.OtherMember, t.Manager, t.Owner })
        {
            Assert.True(await meeting.HasLivePreviewAsync(caller));
            var picture = await meeting.GetPreviewAsync(caller);
            Assert.Equal(s_jpeg, picture?.Jpeg);
        }
    }

    [Fact]
    public async Task AMemberWithNoPartInTheMeetingAndOtherTenantsAreRefused()
    {
        var t = await TestTenant.CreateAsync(fixture.Grains);
        var other = await TestTenant.CreateAsync(fixture.Grains);
        var meeting = await RunningAsync(t);

        await Assert.ThrowsAsync<AccessDeniedException>(() => meeting.GetPreviewAsync(t.Member));
        await Assert.ThrowsAsync<AccessDeniedException>(() => meeting.HasLivePreviewAsync(t.Member));
        var error = await Record.ExceptionAsync(() => meeting.GetPreviewAsync(other.Owner));
        Assert.True(error is AccessDeniedException or NotFoundException, $"got {error?.GetType().Name ?? "a picture"}");
        error = await Record.ExceptionAsync(() => meeting.GetPreviewAsync(Caller.Operator)); // reads no content
        Assert.True(error is AccessDeniedException or NotFoundException, $"got {error?.GetType().Name ?? "a picture"}");
    }

    [Fact]
    public async Task AnAudioOnlyMeetingHasNoPreviewAndTheWorkerIsNotAsked()
    {
        var t = await TestTenant.CreateAsync(fixture.Grains);
        var meeting = await RunningAsync(t, "v=0\r\ns=audio-only\r\n");
        var id = meeting.GetPrimaryKey();

        Assert.False(await meeting.HasLivePreviewAsync(t.Chair));
        Assert.Null(await meeting.GetPreviewAsync(t.Chair));
        Assert.DoesNotContain(id, fixture.Worker.PreviewRequests);
    }

    [Fact]
    public async Task AnEndedMeetingHasNoPreview()
    {
        var t = await TestTenant.CreateAsync(fixture.Grains);
        var meeting = await RunningAsync(t);
        await meeting.EndAsync(t.Chair);

        Assert.False(await meeting.HasLivePreviewAsync(t.Chair));
        Assert.Null(await meeting.GetPreviewAsync(t.Chair));
    }
}
