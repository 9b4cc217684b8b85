using Sparkle.Gateway.Tests.Infrastructure;
using Sparkle.Grains.Identity;
using Sparkle.Grains.Meetings;
using Sparkle.Grains.Plans;
using Sparkle.Sip.Messages;

namespace Sparkle.Gateway.Tests.DialOut;

[Collection(GatewayCollection.Name)]
public sealed class DialOutTests(GatewayFixture fixture)
{
    [Fact]
    public async Task MeetingDialsARegisteredExtensionThroughTheGatewayAndHangsUp()
    {
        var (tenantId, domain) = await fixture.CreateTenantAsync();
        await using var phone = new SipTestClient("1004", domain, fixture.Gateway.Transport.UdpEndPoint!.Value);
        Assert.Equal(200, (await phone.RegisterAsync()).StatusCode);
        var owner = Caller.User(tenantId, "1001");
        var meeting = fixture.Grains.GetGrain<IMeetingGrain>(Guid.NewGuid());
        var created = await meeting.CreateAsync(owner, new MeetingSpec("Dial", []));

        var participantId = await meeting.InviteAsync(owner, new PlannedParticipant("1004"));

        await Eventually.TrueAsync(() => !phone.IncomingInvites.IsEmpty, "the phone rings");
        phone.IncomingInvites.TryPeek(out var invite);
        var request = invite!.Request;
        Assert.True(request.Contact!.Parameters.Contains("isfocus"));
        Assert.Equal($"sip:{created.ConferenceNumber}@{domain}", request.From!.Uri.ToString());
        Assert.Contains("s=offer ", request.BodyText);
        await Eventually.TrueAsync(async () => (await meeting.GetAsync(owner))!.Participants.Single(p => p.ParticipantId == participantId).State == CallState.Connected,
            "the meeting sees the answer");

        await meeting.RemoveAsync(owner, participantId);
        await Eventually.TrueAsync(() => !phone.Ended.IsEmpty, "the focus hangs up with BYE");
    }

    [Fact]
    public async Task ExternalNumbersGoThroughTheTenantTrunkWithItsCredentials()
    {
        await using var trunk = new FakeTrunk();
        var (tenantId, _) = await fixture.CreateTenantAsync(new Sparkle.Grains.Tenants.TenantPolicies(
            Trunk: new Sparkle.Grains.Tenants.SipTrunk(trunk.Address, FakeTrunk.Realm, FakeTrunk.Username, FakeTrunk.Password)));
        var owner = Caller.User(tenantId, "1001");
        var meeting = fixture.Grains.GetGrain<IMeetingGrain>(Guid.NewGuid());
        await meeting.CreateAsync(owner, new MeetingSpec("Carrier", []));

        var participantId = await meeting.InviteAsync(owner, new PlannedParticipant("+4930123456"));

        await Eventually.TrueAsync(() => !trunk.Authorized.IsEmpty, "the trunk accepts the authenticated INVITE");
        Assert.True(trunk.Challenged >= 1);
        trunk.Authorized.TryPeek(out var invite);
        Assert.Equal($"sip:+4930123456@{FakeTrunk.Realm}", invite!.RequestUri.ToString());
        await Eventually.TrueAsync(async () => (await meeting.GetAsync(owner))!.Participants.Single(p => p.ParticipantId == participantId).State == CallState.Connected,
            "the meeting sees the trunk's answer");
    }

    [Fact]
    public async Task ChairRemovingADialledInGuestMakesTheFocusSendBye()
    {
        var (tenantId, domain) = await fixture.CreateTenantAsync();
        var owner = Caller.User(tenantId, "1001");
        var meeting = fixture.Grains.GetGrain<IMeetingGrain>(Guid.NewGuid());
        var created = await meeting.CreateAsync(owner, new MeetingSpec("Boot", []));
        await using var guest = new SipTestClient("guest", domain, fixture.Gateway.Transport.UdpEndPoint!.Value);
        Assert.Equal(200, (await guest.Call(created.ConferenceNumber).FinalResponse.WaitAsync(TimeSpan.FromSeconds(30))).StatusCode);
        var participantId = (await meeting.GetAsync(owner))!.Participants.Single().ParticipantId;

        await meeting.RemoveAsync(owner, participantId);

        await Eventually.TrueAsync(() => !guest.Ended.IsEmpty, "the guest's dialog ends with the focus's BYE");
        Assert.Equal(DisconnectionMethod.Booted, (await meeting.GetAsync(owner))!.Participants.Single().DisconnectionMethod);
    }

    [Fact]
    public async Task BusyExtensionIsReportedAsBusy()
    {
        var (tenantId, domain) = await fixture.CreateTenantAsync();
        await using var phone = new SipTestClient("1005", domain, fixture.Gateway.Transport.UdpEndPoint!.Value) { AnswerInvitesWith = 486 };
        Assert.Equal(200, (await phone.RegisterAsync()).StatusCode);
        var owner = Caller.User(tenantId, "1001");
        var meeting = fixture.Grains.GetGrain<IMeetingGrain>(Guid.NewGuid());
        await meeting.CreateAsync(owner, new MeetingSpec("Busy", []));

        var participantId = await meeting.InviteAsync(owner, new PlannedParticipant("1005"));

        await Eventually.TrueAsync(async () => (await meeting.GetAsync(owner))!.Participants.Single(p => p.ParticipantId == participantId)
            is { State: CallState.Disconnected, DisconnectionMethod: DisconnectionMethod.Busy }, "busy is reported");
    }

    [Fact]
    public async Task UnregisteredExtensionWithoutTrunkFails()
    {
        var (tenantId, _) = await fixture.CreateTenantAsync();
        var owner = Caller.User(tenantId, "1001");
        var meeting = fixture.Grains.GetGrain<IMeetingGrain>(Guid.NewGuid());
        await meeting.CreateAsync(owner, new MeetingSpec("Nobody", []));
        var participantId = await meeting.InviteAsync(owner, new PlannedParticipant("1004"));
        await Eventually.TrueAsync(async () => (await meeting.GetAsync(owner))!.Participants.Single(p => p.ParticipantId == participantId)
            is { State: CallState.Disconnected, DisconnectionMethod: DisconnectionMethod.Failed }, "the dial-out fails");
    }

    [Fact]
    public async Task ReferAddsAndRemovesAParticipantWithSipfragProgress()
    {
        var (tenantId, domain) = await fixture.CreateTenantAsync();
        var gateway = fixture.Gateway.Transport.UdpEndPoint!.Value;
        await using var chair = new SipTestClient("1003", domain, gateway);
        await using var carol = new SipTestClient("1004", domain, gateway);
        Assert.Equal(200, (await carol.RegisterAsync()).StatusCode);
        var call = chair.Call("factory");
        var ok = await call.FinalResponse.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(200, ok.StatusCode);
        var dialog = call.Dialog!;

        var add = dialog.CreateRequest(SipMethods.Refer);
        add.Headers.Add(HeaderNames.ReferTo, $"<sip:1004@{domain}>");
        Assert.Equal(202, (await chair.Agent.SendInDialogAsync(dialog, add)).StatusCode);
        await Eventually.TrueAsync(() => chair.Notifies.Any(n => n.BodyText.StartsWith("SIP/2.0 200", StringComparison.Ordinal)), "NOTIFY 200 OK");
        var fragments = chair.Notifies.Select(n => n.BodyText.Trim()).ToList();
        Assert.Equal("SIP/2.0 100 Trying", fragments[0]);
        Assert.All(chair.Notifies, n => Assert.StartsWith("message/sipfrag", n.ContentType));
        Assert.Equal("terminated;reason=noresource", chair.Notifies.Last().Headers.Get(HeaderNames.SubscriptionState));
        Assert.Single(carol.IncomingInvites);

        var remove = dialog.CreateRequest(SipMethods.Refer);
        remove.Headers.Add(HeaderNames.ReferTo, $"<sip:1004@{domain};method=BYE>");
        Assert.Equal(202, (await chair.Agent.SendInDialogAsync(dialog, remove)).StatusCode);
        await Eventually.TrueAsync(() => !carol.Ended.IsEmpty, "Carol gets the focus's BYE");
        await Eventually.TrueAsync(() => chair.Notifies.Count(n => n.BodyText.StartsWith("SIP/2.0 200", StringComparison.Ordinal)) == 2, "NOTIFY 200 for the removal");
    }

    [Fact]
    public async Task ReferWithoutExactlyOneReferToGets400()
    {
        var (_, domain) = await fixture.CreateTenantAsync();
        await using var chair = new SipTestClient("1003", domain, fixture.Gateway.Transport.UdpEndPoint!.Value);
        var call = chair.Call("factory");
        Assert.Equal(200, (await call.FinalResponse.WaitAsync(TimeSpan.FromSeconds(30))).StatusCode);
        var refer = call.Dialog!.CreateRequest(SipMethods.Refer);
        Assert.Equal(400, (await chair.Agent.SendInDialogAsync(call.Dialog, refer)).StatusCode);
        var two = call.Dialog.CreateRequest(SipMethods.Refer);
        two.Headers.Add(HeaderNames.ReferTo, $"<sip:1004@{domain}>");
        two.Headers.Add(HeaderNames.ReferTo, $"<sip:1005@{domain}>");
        Assert.Equal(400, (await chair.Agent.SendInDialogAsync(call.Dialog, two)).StatusCode);
    }
}
