using Sparkle.Sip.Messages;
using Sparkle.Sip.Tests.Support;
using Sparkle.Sip.Transactions;

namespace Sparkle.Sip.Tests.Transactions;

public sealed class ServerTransactionTests
{
    private static readonly TimeSpan s_ms = TimeSpan.FromMilliseconds(1);

    [Fact]
    public void InviteGets100TryingOnlyAfter200Ms()
    {
        var h = new LayerHarness();
        h.Receive(Support.Messages.Invite());
        h.Time.Advance(199 * s_ms);
        Assert.Empty(h.Sender.Responses());
        h.Time.Advance(1 * s_ms);
        Assert.Equal(100, Assert.Single(h.Sender.Responses()).StatusCode);
    }

    [Fact]
    public void InviteAnsweredWithin200MsGetsNoTrying()
    {
        var h = new LayerHarness();
        h.Receive(Support.Messages.Invite());
        h.Time.Advance(100 * s_ms);
        var tx = Assert.Single(h.Requests);
        tx.Respond(tx.Request.CreateResponse(180, toTag: "t"));
        h.Time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal([180], h.Sender.Responses().Select(r => r.StatusCode));
    }

    [Fact]
    public void RetransmittedInviteResendsTheLastProvisional()
    {
        var h = new LayerHarness();
        h.Receive(Support.Messages.Invite());
        var tx = Assert.Single(h.Requests);
        tx.Respond(tx.Request.CreateResponse(180, toTag: "t"));
        h.Receive(Support.Messages.Invite());
        Assert.Single(h.Requests);
        Assert.Equal([180, 180], h.Sender.Responses().Select(r => r.StatusCode));
    }

    [Fact]
    public void NonSuccessFinalIsRetransmittedOnTimerGUntilTimerH()
    {
        var h = new LayerHarness();
        h.Receive(Support.Messages.Invite());
        var tx = (InviteServerTransaction)Assert.Single(h.Requests);
        tx.Respond(tx.Request.CreateResponse(486, toTag: "t"));
        h.Time.Advance(TimeSpan.FromSeconds(40));

        var times = h.SentAt(m => m is SipResponse { StatusCode: 486 });
        // 0, then G = 0.5, 1, 2, 4, 4, 4 ... until H at 32 s.
        Assert.Equal([0, 0.5, 1.5, 3.5, 7.5, 11.5, 15.5, 19.5, 23.5, 27.5, 31.5], times);
        Assert.Equal(InviteServerTransaction.States.Terminated, tx.State);
        Assert.True(tx.AckTimedOut);
        Assert.Equal(0, h.Layer.ServerTransactionCount);
    }

    [Fact]
    public void AckAfterNonSuccessIsAbsorbedAndTimerIEndsTheTransaction()
    {
        var h = new LayerHarness();
        h.Receive(Support.Messages.Invite());
        var tx = (InviteServerTransaction)Assert.Single(h.Requests);
        tx.Respond(tx.Request.CreateResponse(486, toTag: "t"));
        h.Time.Advance(TimeSpan.FromMilliseconds(700));
        h.Receive(Support.Messages.Invite(method: "ACK", body: "", toTag: "t").Replace("CSeq: 314159 ACK", "CSeq: 314159 ACK"));

        Assert.Equal(InviteServerTransaction.States.Confirmed, tx.State);
        Assert.Empty(h.Acks);
        h.Time.Advance(TimeSpan.FromSeconds(4.9));
        Assert.Equal(2, h.SentAt(m => m is SipResponse { StatusCode: 486 }).Count);
        Assert.Equal(1, h.Layer.ServerTransactionCount);
        h.Time.Advance(TimeSpan.FromSeconds(0.1));
        Assert.Equal(InviteServerTransaction.States.Terminated, tx.State);
    }

    [Fact]
    public void ReliableTransportHasNoRetransmissionsAndNoTimerI()
    {
        var h = new LayerHarness();
        var invite = Support.Messages.Invite().Replace("SIP/2.0/UDP", "SIP/2.0/TCP");
        h.Receive(invite, LayerHarness.TcpPeer);
        var tx = (InviteServerTransaction)Assert.Single(h.Requests);
        tx.Respond(tx.Request.CreateResponse(486, toTag: "t"));
        h.Time.Advance(TimeSpan.FromSeconds(10));
        Assert.Single(h.Sender.Responses(486));
        h.Receive(Support.Messages.Invite(method: "ACK", body: "", toTag: "t").Replace("SIP/2.0/UDP", "SIP/2.0/TCP"), LayerHarness.TcpPeer);
        Assert.Equal(InviteServerTransaction.States.Terminated, tx.State);
    }

    [Fact]
    public void AcceptedStateAbsorbsRetransmissionsPassesAcksUpAndEndsOnTimerL()
    {
        var h = new LayerHarness();
        h.Receive(Support.Messages.Invite());
        var tx = (InviteServerTransaction)Assert.Single(h.Requests);
        tx.Respond(tx.Request.CreateResponse(200, toTag: "t"));
        Assert.Equal(InviteServerTransaction.States.Accepted, tx.State);

        h.Receive(Support.Messages.Invite());
        Assert.Single(h.Sender.Responses(200));
        Assert.Single(h.Requests);

        h.Receive(Support.Messages.Invite(method: "ACK", body: "", toTag: "t", branch: "z9hG4bKack2xx"));
        Assert.Single(h.Acks);

        h.Time.Advance(TimeSpan.FromSeconds(31.9));
        Assert.Equal(InviteServerTransaction.States.Accepted, tx.State);
        h.Time.Advance(TimeSpan.FromSeconds(0.1));
        Assert.Equal(InviteServerTransaction.States.Terminated, tx.State);
    }

    [Fact]
    public void NonInviteCompletedResendsFinalOnRetransmissionUntilTimerJ()
    {
        var h = new LayerHarness();
        var options = Support.Messages.Invite(method: "OPTIONS", body: "");
        h.Receive(options);
        var tx = (NonInviteServerTransaction)Assert.Single(h.Requests);
        h.Receive(options);
        Assert.Empty(h.Sender.Responses());
        tx.Respond(tx.Request.CreateResponse(200, toTag: "t"));
        h.Receive(options);
        Assert.Equal(2, h.Sender.Responses(200).Count);
        h.Time.Advance(TimeSpan.FromSeconds(31.9));
        Assert.Equal(NonInviteServerTransaction.States.Completed, tx.State);
        h.Time.Advance(TimeSpan.FromSeconds(0.1));
        Assert.Equal(NonInviteServerTransaction.States.Terminated, tx.State);
        Assert.Equal(0, h.Layer.ServerTransactionCount);
    }

    [Fact]
    public void MatchingUsesBranchSentByAndMethod()
    {
        var h = new LayerHarness();
        h.Receive(Support.Messages.Invite(branch: "z9hG4bKone"));
        h.Receive(Support.Messages.Invite(branch: "z9hG4bKtwo"));
        h.Receive(Support.Messages.Invite(branch: "z9hG4bKone").Replace("127.0.0.1:5070", "127.0.0.1:5071"));
        h.Receive(Support.Messages.Invite(branch: "z9hG4bKone", method: "CANCEL", body: ""));
        Assert.Equal(4, h.Requests.Count);
        Assert.Equal(4, h.Layer.ServerTransactionCount);
    }
}
