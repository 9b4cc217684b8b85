using Sparkle.Gateway.DialOut;
using Sparkle.Gateway.Tests.Infrastructure;
using Sparkle.Grains.Gateway;
using Sparkle.Grains.Identity;
using Sparkle.Grains.Meetings;
using Sparkle.Grains.Plans;
using Sparkle.Sip.Dialogs;
using Sparkle.Sip.Messages;
using Sparkle.Sip.Transport;

namespace Sparkle.Gateway.Tests.DialOut;

/// <summary>The gateway moving a participant's call onto new media (ISipGateway.ReinviteAsync), as a meeting grain does
/// when a worker dies or drains, against scripted phones on every transport.</summary>
[Collection(GatewayCollection.Name)]
public sealed class ReinviteTests(GatewayFixture fixture)
{
    private const string NewOffer = "v=0\r\no=worker 9 9 IN IP4 127.0.0.1\r\ns=offer on the new worker\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 31000 RTP/AVP 0\r\n";
    private const string PhoneAnswer = "v=0\r\no=phone 1 2 IN IP4 127.0.0.1\r\ns=phone moved\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 40000 RTP/AVP 0\r\n";

    /// <summary>What a meeting grain holds: the gateway's ISipGateway (the same object Orleans invokes).</summary>
    private ISipGateway Gateway => new GatewayEndpoint(fixture.Gateway.Context);

    private async Task<(Guid TenantId, Guid MeetingId, string ParticipantId, OutgoingInvite Call, SipTestClient Phone)> DialInAsync(
        Func<string, SipEndPoint> gatewayEndPoint, Sparkle.Grains.Tenants.TenantPolicies? policies = null)
    {
        var (tenantId, domain) = await fixture.CreateTenantAsync(policies);
        var owner = Caller.User(tenantId, "1001");
        var meetingId = Guid.NewGuid();
        var meeting = fixture.Grains.GetGrain<IMeetingGrain>(meetingId);
        var created = await meeting.CreateAsync(owner, new MeetingSpec("Moving", []));
        var phone = new SipTestClient("guest", domain, gatewayEndPoint(domain)) { ReInviteAnswer = PhoneAnswer };
        var call = phone.Call(created.ConferenceNumber);
        Assert.Equal(200, (await call.FinalResponse.WaitAsync(TimeSpan.FromSeconds(30))).StatusCode);
        var participantId = (await meeting.GetAsync(owner))!.Participants.Single().ParticipantId;
        return (tenantId, meetingId, participantId, call, phone);
    }

    private SipEndPoint Udp(string _) => fixture.Gateway.Transport.UdpEndPoint!.Value;

    [Theory]
    [InlineData(SipTransportKind.Udp)]
    [InlineData(SipTransportKind.Tcp)]
    [InlineData(SipTransportKind.Tls)]
    public async Task DialInIsMovedByAReInviteOnItsOwnTransportAndTheAnswerComesBack(SipTransportKind transport)
    {
        var endPoint = transport switch
        {
            SipTransportKind.Udp => fixture.Gateway.Transport.UdpEndPoint!.Value,
            SipTransportKind.Tcp => fixture.Gateway.Transport.TcpEndPoint!.Value,
            _ => fixture.Gateway.Transport.TlsEndPoint!.Value,
        };
        var (tenantId, meetingId, participantId, call, phone) = await DialInAsync(_ => endPoint);
        await using var _ = phone;
        var dialog = call.Dialog!;

        var answer = await Gateway.ReinviteAsync(meetingId, participantId, NewOffer);

        Assert.True(answer == PhoneAnswer, $"answer {answer ?? "null"} after {phone.ReInvites.Count} re-INVITEs; dialog {fixture.Gateway.Context.Calls.Find(meetingId, participantId)?.Dialog?.State}");
        var reinvite = Assert.Single(phone.ReInvites);
        Assert.Equal(NewOffer, reinvite.Request.BodyText);
        Assert.Equal(transport, reinvite.Transaction.Local.Transport);
        Assert.Equal(dialog.LocalTag, reinvite.Request.ToTag);
        Assert.Equal(dialog.RemoteTag, reinvite.Request.FromTag);
        Assert.Equal(phone.ContactAddress.Uri.ToString(), reinvite.Request.RequestUri.ToString());
        Assert.True(reinvite.Request.Contact!.Parameters.Contains("isfocus"));
        await Eventually.TrueAsync(() => Task.FromResult(dialog.RemoteSeq == reinvite.Request.CSeq!.Value.Number), "the phone's dialog takes the CSeq");
        // The gateway ACKed the 2xx: the phone stops resending it and the dialog stays up.
        await Eventually.TrueAsync(() => Task.FromResult(phone.Acks.Any(a => a.CSeq!.Value.Number == reinvite.Request.CSeq!.Value.Number)),
            "the 2xx is ACKed");
        Assert.Equal(CallState.Connected, (await fixture.Grains.GetGrain<IMeetingGrain>(meetingId).GetAsync(Caller.System(tenantId)))!
            .Participants.Single().State);

        // The gateway now holds the new offer as the session's: an offerless re-INVITE from the phone gets it.
        var offerless = phone.Agent.Invite(dialog.CreateRequest(SipMethods.Invite), dialog.Peer, dialog: dialog);
        offerless.AckBody = PhoneAnswer;
        var refreshed = await offerless.FinalResponse.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(200, refreshed.StatusCode);
        Assert.Equal(NewOffer, refreshed.BodyText);
        // The phone's own re-INVITE with an offer still goes to the meeting (RenegotiateAsync).
        var hold = dialog.CreateRequest(SipMethods.Invite);
        hold.Headers.Add(HeaderNames.ContentType, "application/sdp");
        hold.BodyText = SipTestClient.PhoneSdp + "a=sendonly\r\n";
        var held = await phone.Agent.Invite(hold, dialog.Peer, dialog: dialog).FinalResponse.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(200, held.StatusCode);
        Assert.Contains("a=recvonly", held.BodyText);
    }

    [Fact]
    public async Task DialOutIsMovedInTheDialogTheGatewayCreated()
    {
        var (tenantId, domain) = await fixture.CreateTenantAsync();
        await using var phone = new SipTestClient("1004", domain, fixture.Gateway.Transport.UdpEndPoint!.Value) { ReInviteAnswer = PhoneAnswer };
        Assert.Equal(200, (await phone.RegisterAsync()).StatusCode);
        var owner = Caller.User(tenantId, "1001");
        var meetingId = Guid.NewGuid();
        var meeting = fixture.Grains.GetGrain<IMeetingGrain>(meetingId);
        await meeting.CreateAsync(owner, new MeetingSpec("Dialled", []));
        var participantId = await meeting.InviteAsync(owner, new PlannedParticipant("1004"));
        await Eventually.TrueAsync(async () => (await meeting.GetAsync(owner))!.Participants.Single(p => p.ParticipantId == participantId).State == CallState.Connected,
            "the dial-out is answered");
        phone.IncomingInvites.TryPeek(out var original);

        var answer = await Gateway.ReinviteAsync(meetingId, participantId, NewOffer);

        Assert.Equal(PhoneAnswer, answer);
        var reinvite = Assert.Single(phone.ReInvites).Request;
        Assert.Equal(original!.Request.CallId, reinvite.CallId);
        Assert.Equal(original.Request.FromTag, reinvite.FromTag);
        Assert.Equal(original.LocalTag, reinvite.ToTag);
        Assert.True(reinvite.CSeq!.Value.Number > original.Request.CSeq!.Value.Number);
        Assert.Equal(phone.ContactAddress.Uri.ToString(), reinvite.RequestUri.ToString());
        Assert.Equal(NewOffer, reinvite.BodyText);
    }

    [Fact]
    public async Task GlareIsResolvedByTheBackOffAndTheReInviteSentAgain()
    {
        var (_, meetingId, participantId, call, phone) = await DialInAsync(Udp);
        await using var _ = phone;
        phone.GlaresToSimulate = 1;

        var answer = await Gateway.ReinviteAsync(meetingId, participantId, NewOffer);

        Assert.Equal(PhoneAnswer, answer);
        var sent = phone.ReInvites.Select(r => r.Request).ToList();
        Assert.Equal(2, sent.Count);
        Assert.True(sent[1].CSeq!.Value.Number > sent[0].CSeq!.Value.Number);
        Assert.All(sent, r => Assert.Equal(NewOffer, r.BodyText));
        Assert.Equal(DialogState.Confirmed, call.Dialog!.State);
    }

    [Fact]
    public async Task PhonesReInviteWhileOursIsPendingGets491AndOursCompletes()
    {
        var (_, meetingId, participantId, call, phone) = await DialInAsync(Udp);
        await using var _ = phone;
        phone.HoldReInvites = true;
        var dialog = call.Dialog!;

        var moving = Gateway.ReinviteAsync(meetingId, participantId, NewOffer);
        await Eventually.TrueAsync(() => Task.FromResult(!phone.ReInvites.IsEmpty || moving.IsCompleted), "our re-INVITE reaches the phone");
        if (moving.IsCompleted)
        {
            Assert.Fail($"ReinviteAsync ended before the phone saw it: {await moving}");
        }
        var theirs = dialog.CreateRequest(SipMethods.Invite);
        theirs.Headers.Add(HeaderNames.ContentType, "application/sdp");
        theirs.BodyText = SipTestClient.PhoneSdp + "a=sendonly\r\n";
        // The phone's stack sees its own INVITE transaction pending and would answer 491 itself; send it raw past that check.
        var crossing = await phone.Agent.SendAsync(theirs, dialog.Peer).WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(491, crossing.StatusCode);

        phone.ReInvites.TryDequeue(out var ours);
        ours!.Accept(phone.ContactAddress, PhoneAnswer);
        Assert.Equal(PhoneAnswer, await moving.WaitAsync(TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public async Task RefusedReInviteReturnsNullAndTheCallStaysOnItsOldMedia()
    {
        var (tenantId, meetingId, participantId, call, phone) = await DialInAsync(Udp);
        await using var _ = phone;
        phone.AnswerReInvitesWith = 488;
        var dialog = call.Dialog!;

        Assert.Null(await Gateway.ReinviteAsync(meetingId, participantId, NewOffer));

        Assert.Single(phone.ReInvites);
        Assert.Equal(DialogState.Confirmed, dialog.State);
        var info = dialog.CreateRequest(SipMethods.Options);
        Assert.Equal(200, (await phone.Agent.SendInDialogAsync(dialog, info).WaitAsync(TimeSpan.FromSeconds(30))).StatusCode);
        Assert.Equal(CallState.Connected, (await fixture.Grains.GetGrain<IMeetingGrain>(meetingId).GetAsync(Caller.System(tenantId)))!
            .Participants.Single().State);
        // The gateway still holds the old SDP as the session's: an offerless re-INVITE gets the first answer.
        var offerless = phone.Agent.Invite(dialog.CreateRequest(SipMethods.Invite), dialog.Peer, dialog: dialog);
        offerless.AckBody = SipTestClient.PhoneSdp;
        var refreshed = await offerless.FinalResponse.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(FakeMediaWorker.AnswerFor(participantId), refreshed.BodyText);
    }

    [Fact]
    public async Task NoDialogReturnsNull()
    {
        var (_, meetingId, participantId, call, phone) = await DialInAsync(Udp);
        await using var _ = phone;

        Assert.Null(await Gateway.ReinviteAsync(meetingId, "no-such-participant", NewOffer));
        Assert.Null(await Gateway.ReinviteAsync(Guid.NewGuid(), participantId, NewOffer));

        await phone.Agent.HangUpAsync(call.Dialog!);
        await Eventually.TrueAsync(() => Task.FromResult(fixture.Gateway.Context.Calls.Find(meetingId, participantId) is null), "the call is gone");
        Assert.Null(await Gateway.ReinviteAsync(meetingId, participantId, NewOffer));
        Assert.Empty(phone.ReInvites);
    }
}
