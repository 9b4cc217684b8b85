using Microsoft.Extensions.DependencyInjection;
using Sparkle.Client;
using Sparkle.Grains.Media;

namespace Sparkle.GraphQL.Tests;

/// <summary>joinMeetingWebRtc and leaveMeetingWebRtc over HTTP, against the real API and silo with a fake media worker
/// (the browser, ICE and DTLS side runs in tests/interop/webrtc against the real worker).</summary>
[Collection(ApiCollection.Name)]
public sealed class WebRtcApiTests(ApiFixture api) : IAsyncLifetime
{
    private readonly string _workerId = $"gql-webrtc-{Guid.NewGuid():N}";
    // Kept in a field: Orleans holds observers weakly.
    private readonly FakeMediaWorker _worker = new();

    private IClusterClient Client => api.Cluster.Api!.Services.GetRequiredService<IClusterClient>();

    private FakeWorkerRegistration? _registration;

    public async Task InitializeAsync() =>
        _registration = await FakeWorkerRegistration.StartAsync(Client,
            new MediaWorkerInfo(_workerId, "10.1.2.4", 500, 0, 0, DateTimeOffset.UtcNow, "9.9.9-test", 0), Client.CreateObjectReference<IMediaWorker>(_worker));

    public async Task DisposeAsync() => await _registration!.DisposeAsync();

    private async Task<Guid> StartedMeetingAsync()
    {
        var chair = api.Client(api.Demo.Demo.Chair);
        var meeting = await chair.CreateMeetingAsync("WebRTC " + Guid.NewGuid().ToString("N")[..6], []);
        await chair.StartCreatedMeetingAsync(meeting.Id);
        return meeting.Id;
    }

    [Fact]
    public async Task AUserJoinsWithAnOfferGetsTheAnswerIsListedAndLeaves()
    {
        var meetingId = await StartedMeetingAsync();
        var member = api.Client(api.Demo.Demo.Member);

        var join = await member.JoinMeetingWebRtcAsync(meetingId, "v=0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\n");

        Assert.Equal("v=0\r\ns=webrtc answer\r\n", join.Answer);
        var listed = Assert.Single((await member.GetLiveMeetingAsync(meetingId))!.Participants, p => p.Id == join.ParticipantId);
        Assert.Equal(("1004", "connected"), (listed.UserNumber, listed.State));
        Assert.True(await member.LeaveMeetingWebRtcAsync(meetingId, join.ParticipantId));
        Assert.Equal("disconnected", (await member.GetLiveMeetingAsync(meetingId))!.Participants.Single(p => p.Id == join.ParticipantId).State);
        Assert.False(await member.LeaveMeetingWebRtcAsync(meetingId, join.ParticipantId));
    }

    [Fact]
    public async Task ARefusedOfferIsOfferNotAcceptableWithTheWorkersReason()
    {
        var meetingId = await StartedMeetingAsync();

        var error = await Assert.ThrowsAsync<SparkleApiException>(() =>
            api.Client(api.Demo.Demo.Member).JoinMeetingWebRtcAsync(meetingId, "v=0\r\nno-fingerprint\r\n"));

        Assert.Equal("OFFER_NOT_ACCEPTABLE", error.Code);
        Assert.Equal("NoFingerprint", error.Errors[0].Reason);
    }

    [Fact]
    public async Task OnlySignedInUsersOfTheTenantJoinOnlyAsThemselvesAndLeaveOnlyThemselves()
    {
        var meetingId = await StartedMeetingAsync();
        const string offer = "v=0\r\n";

        Assert.Equal("UNAUTHENTICATED", (await Assert.ThrowsAsync<SparkleApiException>(() => api.Client((string?)null).JoinMeetingWebRtcAsync(meetingId, offer))).Code);
        Assert.Equal("FORBIDDEN", (await Assert.ThrowsAsync<SparkleApiException>(() => api.Client(api.Demo.OperatorToken).JoinMeetingWebRtcAsync(meetingId, offer))).Code);
        Assert.Equal("NOT_FOUND", (await Assert.ThrowsAsync<SparkleApiException>(() => api.Client(api.Demo.Demo2.Member).JoinMeetingWebRtcAsync(meetingId, offer))).Code);
        Assert.Equal("BAD_USER_INPUT", (await Assert.ThrowsAsync<SparkleApiException>(() =>
            api.Client(api.Demo.Demo.Member).JoinMeetingWebRtcAsync(meetingId, new string('a', 70_000)))).Code);

        var join = await api.Client(api.Demo.Demo.Member).JoinMeetingWebRtcAsync(meetingId, offer);
        Assert.Equal("NOT_FOUND", (await Assert.ThrowsAsync<SparkleApiException>(() =>
            api.Client(api.Demo.Demo.Chair).LeaveMeetingWebRtcAsync(meetingId, join.ParticipantId))).Code);
    }
}
