using Sparkle.Gateway.Tests.Infrastructure;
using Sparkle.Grains.Identity;
using Sparkle.Grains.Meetings;
using Sparkle.Grains.Plans;
using Sparkle.Sip.Messages;

namespace Sparkle.Gateway.Tests.Focus;

[Collection(GatewayCollection.Name)]
public sealed class FocusTests(GatewayFixture fixture)
{
    [Fact]
    public async Task InviteToFactoryCreatesAnAdHocConferenceAndTheCreatorsByeEndsIt()
    {
        var (tenantId, domain) = await fixture.CreateTenantAsync();
        await using var phone = new SipTestClient("1004", domain, fixture.Gateway.Transport.UdpEndPoint!.Value);

        var call = phone.Call("factory");
        var ok = await call.FinalResponse.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(200, ok.StatusCode);
        var contact = ok.Contact!;
        Assert.True(contact.Parameters.Contains("isfocus"));
        Assert.NotEqual("factory", contact.Uri.User);
        Assert.Contains("s=answer ", ok.BodyText);
        Assert.Contains("conference", ok.Headers.Get(HeaderNames.AllowEvents));

        var meetingId = await fixture.Grains.GetGrain<ITenantCatalogGrain>(tenantId).FindMeetingAsync(contact.Uri.User!);
        Assert.NotNull(meetingId);
        var meeting = fixture.Grains.GetGrain<IMeetingGrain>(meetingId.Value);
        var snapshot = await meeting.GetAsync(Caller.System(tenantId));
        Assert.True(snapshot!.Spec.AdHoc);
        Assert.Equal("1004", snapshot.OwnerNumber);
        Assert.Contains(snapshot.Participants, p => p.UserNumber == "1004" && p.State == CallState.Connected);

        await phone.Agent.HangUpAsync(call.Dialog!);
        await Eventually.TrueAsync(async () => (await meeting.GetAsync(Caller.System(tenantId)))!.Status == MeetingStatus.Ended,
            "the ad-hoc conference ends when its creator leaves");
    }

    [Fact]
    public async Task FactoryInviteWithAResourceListDialsThosePeopleOut()
    {
        var (_, domain) = await fixture.CreateTenantAsync();
        var gateway = fixture.Gateway.Transport.UdpEndPoint!.Value;
        await using var creator = new SipTestClient("1003", domain, gateway);
        await using var invitee = new SipTestClient("1005", domain, gateway);
        Assert.Equal(200, (await invitee.RegisterAsync()).StatusCode);

        // How liblinphone creates a conference: multipart SDP + resource list (RFC 5366 recipient-list).
        var invite = creator.NewRequest(SipMethods.Invite, "factory");
        invite.Headers.Add(HeaderNames.ContentType, "multipart/mixed;boundary=boundary1");
        invite.BodyText =
            "--boundary1\r\nContent-Type: application/sdp\r\n\r\n" + SipTestClient.PhoneSdp + "\r\n" +
            "--boundary1\r\nContent-Type: application/resource-lists+xml\r\nContent-Disposition: recipient-list\r\n\r\n" +
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?><resource-lists xmlns=\"urn:ietf:params:xml:ns:resource-lists\"><list>" +
            $"<entry uri=\"sip:1005@{domain}\"/></list></resource-lists>\r\n--boundary1--\r\n";
        var call = creator.Agent.Invite(invite, gateway, new Sparkle.Sip.Dialogs.SipCredentials("1003", GatewayFixture.Password));

        Assert.Equal(200, (await call.FinalResponse.WaitAsync(TimeSpan.FromSeconds(30))).StatusCode);
        await Eventually.TrueAsync(() => !invitee.IncomingInvites.IsEmpty, "the listed person is dialled");
    }

    [Fact]
    public async Task OfferlessInviteGetsTheWorkersOfferAndCompletesWithTheAnswerInTheAck()
    {
        var (tenantId, domain) = await fixture.CreateTenantAsync();
        await using var phone = new SipTestClient("1004", domain, fixture.Gateway.Transport.UdpEndPoint!.Value);
        var invite = phone.NewRequest(SipMethods.Invite, "factory");
        var call = phone.Agent.Invite(invite, phone.Gateway, new Sparkle.Sip.Dialogs.SipCredentials("1004", GatewayFixture.Password));
        call.AckBody = SipTestClient.PhoneSdp;

        var ok = await call.FinalResponse.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(200, ok.StatusCode);
        Assert.Contains("s=offer ", ok.BodyText);
        var meetingId = await fixture.Grains.GetGrain<ITenantCatalogGrain>(tenantId).FindMeetingAsync(ok.Contact!.Uri.User!);
        var meeting = fixture.Grains.GetGrain<IMeetingGrain>(meetingId!.Value);
        await Eventually.TrueAsync(async () => (await meeting.GetAsync(Caller.System(tenantId)))!.Participants.Single().State == CallState.Connected,
            "the answer in the ACK completes the join");
    }

    [Fact]
    public async Task FactoryWithWrongPasswordIsForbidden()
    {
        var (_, domain) = await fixture.CreateTenantAsync();
        await using var phone = new SipTestClient("1004", domain, fixture.Gateway.Transport.UdpEndPoint!.Value, password: "not the password");
        var response = await phone.Call("factory").FinalResponse.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(403, response.StatusCode);
    }

    [Fact]
    public async Task GuestJoinsAStoredMeetingByItsNumberAndLeavesWithBye()
    {
        var (tenantId, domain) = await fixture.CreateTenantAsync();
        var meetingId = Guid.NewGuid();
        var meeting = fixture.Grains.GetGrain<IMeetingGrain>(meetingId);
        var created = await meeting.CreateAsync(Caller.User(tenantId, "1001"), new MeetingSpec("Weekly", []));
        await using var guest = new SipTestClient("guest", domain, fixture.Gateway.Transport.UdpEndPoint!.Value);

        var call = guest.Call(created.ConferenceNumber);
        var ok = await call.FinalResponse.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(200, ok.StatusCode);
        Assert.Equal(created.ConferenceNumber, ok.Contact!.Uri.User);
        Assert.True(ok.Contact.Parameters.Contains("isfocus"));
        var joined = await meeting.GetAsync(Caller.System(tenantId));
        var participant = Assert.Single(joined!.Participants);
        Assert.Null(participant.UserNumber);
        Assert.Equal(CallState.Connected, participant.State);

        await guest.Agent.HangUpAsync(call.Dialog!);
        await Eventually.TrueAsync(async () => (await meeting.GetAsync(Caller.System(tenantId)))!.Participants.Single().State == CallState.Disconnected,
            "BYE disconnects the participant");
        Assert.Empty(fixture.Gateway.Context.Calls.ForMeeting(meetingId));
    }

    [Fact]
    public async Task SipInfoCarriesPinDigitsAndPictureRequests()
    {
        var (tenantId, domain) = await fixture.CreateTenantAsync();
        var meetingId = Guid.NewGuid();
        var meeting = fixture.Grains.GetGrain<IMeetingGrain>(meetingId);
        var created = await meeting.CreateAsync(Caller.User(tenantId, "1001"), new MeetingSpec("Board", [], Pin: "4711"));
        await using var guest = new SipTestClient("guest", domain, fixture.Gateway.Transport.UdpEndPoint!.Value);
        var call = guest.Call(created.ConferenceNumber);
        Assert.Equal(200, (await call.FinalResponse.WaitAsync(TimeSpan.FromSeconds(30))).StatusCode);
        async Task<ParticipantSnapshot> Guest() => (await meeting.GetAsync(Caller.System(tenantId)))!.Participants.Single();
        Assert.True((await Guest()).InLobby);

        async Task<SipResponse> InfoAsync(string contentType, string body)
        {
            var info = call.Dialog!.CreateRequest(SipMethods.Info);
            info.Headers.Add(HeaderNames.ContentType, contentType);
            info.BodyText = body;
            return await guest.Agent.SendInDialogAsync(call.Dialog, info);
        }

        // A desk phone keying the PIN as application/dtmf-relay (one digit per INFO), one as application/dtmf.
        foreach (var digit in "471")
        {
            Assert.Equal(200, (await InfoAsync("application/dtmf-relay", $"Signal={digit}\r\nDuration=160\r\n")).StatusCode);
        }
        Assert.Equal(200, (await InfoAsync("application/dtmf", "1")).StatusCode);
        Assert.Equal(200, (await InfoAsync("application/dtmf-relay", "Signal=11\r\nDuration=160\r\n")).StatusCode); // '#'
        Assert.False((await Guest()).InLobby, "the PIN keyed in SIP INFO admits the guest");

        // RFC 5168: a video phone asking for a key frame the old way.
        const string fastUpdate = "<?xml version=\"1.0\" encoding=\"utf-8\"?><media_control><vc_primitive><to_encoder>"
            + "<picture_fast_update/></to_encoder></vc_primitive></media_control>";
        Assert.Equal(200, (await InfoAsync("application/media_control+xml", fastUpdate)).StatusCode);
        Assert.Contains((meetingId, (await Guest()).ParticipantId), fixture.Worker.KeyFrameRequests);

        // What the focus does not understand is refused, naming what it takes.
        var unsupported = await InfoAsync("text/plain", "hello");
        Assert.Equal(415, unsupported.StatusCode);
        Assert.Contains("application/dtmf-relay", unsupported.Headers.Get(HeaderNames.Accept));
        Assert.Equal(400, (await InfoAsync("application/media_control+xml", "<media_control><unclosed>")).StatusCode);
        Assert.Equal(400, (await InfoAsync("application/dtmf-relay", "Signal=x")).StatusCode);
    }

    [Fact]
    public async Task UserClaimingATenantNumberMustAuthenticateToJoin()
    {
        var (tenantId, domain) = await fixture.CreateTenantAsync();
        var created = await fixture.Grains.GetGrain<IMeetingGrain>(Guid.NewGuid()).CreateAsync(Caller.User(tenantId, "1001"), new MeetingSpec("Weekly", []));
        await using var impostor = new SipTestClient("1003", domain, fixture.Gateway.Transport.UdpEndPoint!.Value, password: "guessing");
        var response = await impostor.Call(created.ConferenceNumber).FinalResponse.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(403, response.StatusCode);
    }

    [Fact]
    public async Task UnknownConferenceAndUnknownDomainGet404()
    {
        var (_, domain) = await fixture.CreateTenantAsync();
        await using var phone = new SipTestClient("1004", domain, fixture.Gateway.Transport.UdpEndPoint!.Value);
        Assert.Equal(404, (await phone.Call("99999999").FinalResponse.WaitAsync(TimeSpan.FromSeconds(30))).StatusCode);
        await using var stranger = new SipTestClient("1004", "unknown.sparkle.test", fixture.Gateway.Transport.UdpEndPoint!.Value);
        Assert.Equal(404, (await stranger.Call("factory").FinalResponse.WaitAsync(TimeSpan.FromSeconds(30))).StatusCode);
    }

    [Fact]
    public async Task LockedMeetingRefusesNewJoiners()
    {
        var (tenantId, domain) = await fixture.CreateTenantAsync();
        var meeting = fixture.Grains.GetGrain<IMeetingGrain>(Guid.NewGuid());
        var created = await meeting.CreateAsync(Caller.User(tenantId, "1001"), new MeetingSpec("Locked", []));
        await meeting.SetLockedAsync(Caller.User(tenantId, "1001"), true);
        await using var guest = new SipTestClient("guest", domain, fixture.Gateway.Transport.UdpEndPoint!.Value);
        Assert.Equal(403, (await guest.Call(created.ConferenceNumber).FinalResponse.WaitAsync(TimeSpan.FromSeconds(30))).StatusCode);
    }

    [Fact]
    public async Task TlsOnlyTenantAcceptsACallOverTls()
    {
        var (_, domain) = await fixture.CreateTenantAsync(new Sparkle.Grains.Tenants.TenantPolicies(TlsOnlySignalling: true));
        await using var phone = new SipTestClient("1004", domain, fixture.Gateway.Transport.TlsEndPoint!.Value);
        var call = phone.Call("factory");
        var ok = await call.FinalResponse.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(200, ok.StatusCode);
        // A sip: Request-URI over TLS gets a sip: Contact that names TLS (RFC 3261 §12.1.1 asks SIPS only for SIPS requests).
        Assert.Equal("sip", ok.Contact!.Uri.Scheme);
        Assert.Equal("tls", ok.Contact.Uri.Parameters["transport"]);
        Assert.Equal("TLS", ok.TopVia!.Transport);
        await phone.Agent.HangUpAsync(call.Dialog!);
    }

    [Fact]
    public async Task TlsOnlyTenantRefusesUdp()
    {
        var (_, domain) = await fixture.CreateTenantAsync(new Sparkle.Grains.Tenants.TenantPolicies(TlsOnlySignalling: true));
        await using var phone = new SipTestClient("1004", domain, fixture.Gateway.Transport.UdpEndPoint!.Value);
        Assert.Equal(403, (await phone.Call("factory").FinalResponse.WaitAsync(TimeSpan.FromSeconds(30))).StatusCode);
        Assert.Equal(403, (await phone.RegisterAsync()).StatusCode);
    }

    [Fact]
    public async Task UnusableOfferGets488()
    {
        var (_, domain) = await fixture.CreateTenantAsync();
        await using var phone = new SipTestClient("1004", domain, fixture.Gateway.Transport.UdpEndPoint!.Value);
        var response = await phone.Call("factory", "v=0\r\ns=reject\r\n").FinalResponse.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(488, response.StatusCode);
    }

    [Fact]
    public async Task ReInviteToHoldIsAnsweredByTheMeeting()
    {
        var (tenantId, domain) = await fixture.CreateTenantAsync();
        await using var phone = new SipTestClient("1004", domain, fixture.Gateway.Transport.UdpEndPoint!.Value);
        var call = phone.Call("factory");
        Assert.Equal(200, (await call.FinalResponse.WaitAsync(TimeSpan.FromSeconds(30))).StatusCode);
        var dialog = call.Dialog!;

        var hold = dialog.CreateRequest(SipMethods.Invite);
        hold.Headers.Add(HeaderNames.ContentType, "application/sdp");
        hold.BodyText = SipTestClient.PhoneSdp + "a=sendonly\r\n";
        var reinvite = phone.Agent.Invite(hold, dialog.Peer, dialog: dialog);
        var ok = await reinvite.FinalResponse.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(200, ok.StatusCode);
        Assert.Contains("a=recvonly", ok.BodyText);
        var meetingId = await fixture.Grains.GetGrain<ITenantCatalogGrain>(tenantId).FindMeetingAsync(ok.Contact!.Uri.User!);
        await Eventually.TrueAsync(async () => (await fixture.Grains.GetGrain<IMeetingGrain>(meetingId!.Value).GetAsync(Caller.System(tenantId)))!
            .Participants.Single().State == CallState.OnHold, "the participant is on hold");
    }

    [Fact]
    public async Task OptionsToTheFactoryAdvertisesTheFocus()
    {
        var (_, domain) = await fixture.CreateTenantAsync();
        await using var phone = new SipTestClient("1004", domain, fixture.Gateway.Transport.UdpEndPoint!.Value);
        var response = await phone.Agent.SendAsync(phone.NewRequest(SipMethods.Options, "factory"), phone.Gateway);
        Assert.Equal(200, response.StatusCode);
        Assert.True(response.Contact!.Parameters.Contains("isfocus"));
        Assert.Contains("conference", response.Headers.Get(HeaderNames.AllowEvents));
    }
}
