using Sparkle.Sip.Messages;
using Sparkle.Sip.Tests.Support;
using Sparkle.Sip.Transactions;

namespace Sparkle.Sip.Tests.Transactions;

public sealed class ClientTransactionTests
{
    private static SipRequest NewRequest(string method) =>
        Support.Messages.ParseRequest(Support.Messages.Invite(method: method, body: "")) is var r
            ? StripVia(r)
            : throw new InvalidOperationException();

    private static SipRequest StripVia(SipRequest r)
    {
        r.Headers.Remove(HeaderNames.Via);
        return r;
    }

    [Fact]
    public async Task NonInviteRetransmitsOnTimerEAndTimesOutOnTimerF()
    {
        var h = new LayerHarness();
        var tx = h.Layer.SendRequest(NewRequest("OPTIONS"), LayerHarness.UdpPeer);
        h.Time.Advance(TimeSpan.FromSeconds(40));

        Assert.Equal([0, 0.5, 1.5, 3.5, 7.5, 11.5, 15.5, 19.5, 23.5, 27.5, 31.5], h.SentAt(m => m is SipRequest));
        Assert.True(tx.FinalResponse.IsCompleted);
        Assert.Equal(408, (await tx.FinalResponse).StatusCode);
        Assert.Equal(0, h.Layer.ClientTransactionCount);
    }

    [Fact]
    public void NonInviteInProceedingRetransmitsEveryT2()
    {
        var h = new LayerHarness();
        var tx = h.Layer.SendRequest(NewRequest("OPTIONS"), LayerHarness.UdpPeer);
        h.Time.Advance(TimeSpan.FromSeconds(0.2));
        h.Receive(tx.Request.CreateResponse(100));
        h.Time.Advance(TimeSpan.FromSeconds(10));
        // 0, 0.5 (E was armed before the 100), then every T2 = 4 s.
        Assert.Equal([0, 0.5, 4.5, 8.5], h.SentAt(m => m is SipRequest));
    }

    [Fact]
    public async Task NonInviteFinalCompletesAndTimerKEnds()
    {
        var h = new LayerHarness();
        var tx = (NonInviteClientTransaction)h.Layer.SendRequest(NewRequest("OPTIONS"), LayerHarness.UdpPeer);
        h.Receive(tx.Request.CreateResponse(200, toTag: "x"));
        Assert.Equal(200, (await tx.FinalResponse).StatusCode);
        Assert.Equal(NonInviteClientTransaction.States.Completed, tx.State);
        h.Time.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal(NonInviteClientTransaction.States.Terminated, tx.State);
        Assert.Single(h.SentAt(m => m is SipRequest));
    }

    [Fact]
    public async Task ReliableTransportSendsOnce()
    {
        var h = new LayerHarness();
        var tx = h.Layer.SendRequest(NewRequest("OPTIONS"), LayerHarness.TcpPeer);
        h.Time.Advance(TimeSpan.FromSeconds(40));
        Assert.Single(h.SentAt(m => m is SipRequest));
        Assert.Equal(408, (await tx.FinalResponse).StatusCode);
    }

    [Fact]
    public async Task InviteRetransmitsOnTimerAUntilTimerB()
    {
        var h = new LayerHarness();
        var tx = h.Layer.SendRequest(NewRequest("INVITE"), LayerHarness.UdpPeer);
        h.Time.Advance(TimeSpan.FromSeconds(40));
        Assert.Equal([0, 0.5, 1.5, 3.5, 7.5, 15.5, 31.5], h.SentAt(m => m is SipRequest));
        Assert.Equal(408, (await tx.FinalResponse).StatusCode);
    }

    [Fact]
    public void InviteProvisionalStopsTimerAAndTimerB()
    {
        var h = new LayerHarness();
        var tx = h.Layer.SendRequest(NewRequest("INVITE"), LayerHarness.UdpPeer);
        h.Time.Advance(TimeSpan.FromSeconds(0.6));
        h.Receive(tx.Request.CreateResponse(180, toTag: "x"));
        h.Time.Advance(TimeSpan.FromSeconds(60));
        Assert.Equal(2, h.SentAt(m => m is SipRequest).Count);
        Assert.False(tx.FinalResponse.IsCompleted);
    }

    [Fact]
    public async Task InviteNonSuccessIsAckedWithTheSameBranchAndAgainOnRetransmission()
    {
        var h = new LayerHarness();
        var tx = (InviteClientTransaction)h.Layer.SendRequest(NewRequest("INVITE"), LayerHarness.UdpPeer);
        var busy = tx.Request.CreateResponse(486, toTag: "callee");
        h.Receive(busy);
        var ack = Assert.Single(h.Sender.Requests("ACK"));
        Assert.Equal(tx.Request.TopVia!.Branch, ack.TopVia!.Branch);
        Assert.Equal("callee", ack.ToTag);
        Assert.Equal(new CSeqHeader(tx.Request.CSeq!.Value.Number, "ACK"), ack.CSeq);
        Assert.Equal(486, (await tx.FinalResponse).StatusCode);

        h.Receive(busy);
        Assert.Equal(2, h.Sender.Requests("ACK").Count);
        h.Time.Advance(TimeSpan.FromSeconds(31.9));
        Assert.Equal(InviteClientTransaction.States.Completed, tx.State);
        h.Time.Advance(TimeSpan.FromSeconds(0.1));
        Assert.Equal(InviteClientTransaction.States.Terminated, tx.State);
    }

    [Fact]
    public void InviteSuccessEntersAcceptedAndPassesRetransmitted2xxUp()
    {
        var h = new LayerHarness();
        var tx = (InviteClientTransaction)h.Layer.SendRequest(NewRequest("INVITE"), LayerHarness.UdpPeer);
        var seen = 0;
        tx.ResponseReceived += (_, _) => Interlocked.Increment(ref seen);
        var ok = tx.Request.CreateResponse(200, toTag: "callee");
        h.Receive(ok);
        h.Receive(ok);
        Assert.Equal(InviteClientTransaction.States.Accepted, tx.State);
        Assert.Empty(h.Sender.Requests("ACK"));
        Eventually.True(() => Volatile.Read(ref seen) == 2, "both 2xx passed to the TU");
        h.Time.Advance(TimeSpan.FromSeconds(32));
        Assert.Equal(InviteClientTransaction.States.Terminated, tx.State);
        h.Receive(ok);
        Assert.Single(h.Strays);
    }
}
