using Sparkle.Grains.Identity;
using Sparkle.Grains.Meetings;
using Sparkle.Grains.Meetings.Signalling;
using Sparkle.Grains.Security;
using Sparkle.Grains.Tenants;

namespace Sparkle.Grains.Tests.Meetings;

/// <summary>The join and dial-out decisions on their own, without a cluster: each refusal from its one input.</summary>
public sealed class AdmissionTests
{
    private static readonly Guid Tenant = Guid.NewGuid();
    private static readonly Caller Member = Caller.User(Tenant, "1004");
    private static readonly Grant MemberGrant = new(Member, Role.Member, Role.Member);
    private static readonly Grant SystemGrant = new(Caller.System(Tenant), null, null);

    private static JoinRequest Phone(string callId = "c1", string uri = "sip:1004@example.test", string? user = null) =>
        new(callId, uri, null, user, "v=0\r\n", new LegSecurity(false, false), "gw");

    [Fact]
    public void AGoodRequestIsAdmitted()
    {
        Assert.Null(Admission.CheckRequest(Phone(), SystemGrant, SystemGrant.Caller));
        Assert.Null(Admission.CheckRequest(Phone(user: "1004"), MemberGrant, Member));
        Assert.Null(Admission.CheckMeeting(new MeetingState { Status = MeetingStatus.Active }));
        Assert.Null(Admission.CheckPolicies(Phone(), new TenantPolicies(), new MeetingState()));
    }

    [Fact]
    public void EachBadRequestIsRefusedWithItsReason()
    {
        Assert.Equal(JoinRefusal.NotAcceptable, Admission.CheckRequest(null, SystemGrant, SystemGrant.Caller)!.Refusal);
        Assert.Equal(JoinRefusal.NotAcceptable, Admission.CheckRequest(Phone(callId: " "), SystemGrant, SystemGrant.Caller)!.Refusal);
        Assert.Equal(JoinRefusal.NotAcceptable, Admission.CheckRequest(Phone(uri: ""), SystemGrant, SystemGrant.Caller)!.Refusal);
        Assert.Equal(JoinRefusal.NotAcceptable, Admission.CheckRequest(Phone(callId: new string('c', 257)), SystemGrant, SystemGrant.Caller)!.Refusal);
        Assert.Equal(JoinRefusal.Forbidden, Admission.CheckRequest(Phone(user: "1005"), MemberGrant, Member)!.Refusal);
        // A browser joins as a signed-in user with an offer, never as the platform.
        Assert.Equal(JoinRefusal.Forbidden, Admission.CheckRequest(Phone(uri: "") with { WebRtc = true }, SystemGrant, SystemGrant.Caller)!.Refusal);
        Assert.Equal(JoinRefusal.Forbidden, Admission.CheckRequest(Phone() with { WebRtc = true, RemoteSdp = null }, MemberGrant, Member)!.Refusal);
    }

    [Fact]
    public void AnEndedOrLockedMeetingAndTheTenantsPoliciesRefuse()
    {
        Assert.Equal(JoinRefusal.Ended, Admission.CheckMeeting(new MeetingState { Status = MeetingStatus.Ended })!.Refusal);
        Assert.Equal(JoinRefusal.Locked, Admission.CheckMeeting(new MeetingState { Status = MeetingStatus.Active, Locked = true })!.Refusal);
        var tlsOnly = new TenantPolicies(TlsOnlySignalling: true);
        Assert.Equal(JoinRefusal.Forbidden, Admission.CheckPolicies(Phone(), tlsOnly, new MeetingState())!.Refusal);
        Assert.Null(Admission.CheckPolicies(Phone() with { Security = new LegSecurity(true, false) }, tlsOnly, new MeetingState()));
        var full = new MeetingState();
        full.Participants.AddRange(Enumerable.Range(0, Admission.MaxLiveParticipants).Select(i => new ParticipantRecord { Id = $"p{i}", State = CallState.Connected }));
        Assert.Equal("the meeting is full", Admission.CheckPolicies(Phone(), new TenantPolicies(), full)!.Reason);
    }

    [Fact]
    public void DialOutNeedsTheRightTheTenantsMinimumRoleAndAPatternForExternalNumbers()
    {
        var policies = new TenantPolicies(DialOutMinimumRole: Role.Chair, DialOutPatterns: ["^\\+4930"]);
        var chair = new Grant(Caller.User(Tenant, "1003"), Role.Chair, Role.Chair);

        Assert.True(DialOutPolicy.Allows(MemberGrant, numberIsTenantUser: true, policies, "1005"));
        Assert.True(DialOutPolicy.Allows(SystemGrant, numberIsTenantUser: false, policies, "+12125550100"));
        Assert.True(DialOutPolicy.Allows(chair, numberIsTenantUser: false, policies, "+493012345"));
        Assert.False(DialOutPolicy.Allows(chair, numberIsTenantUser: false, policies, "+12125550100"));
        Assert.False(DialOutPolicy.Allows(MemberGrant, numberIsTenantUser: false, policies, "+493012345"));
    }
}
