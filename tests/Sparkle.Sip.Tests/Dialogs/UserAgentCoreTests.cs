using Sparkle.Sip.Dialogs;
using Sparkle.Sip.Messages;
using Sparkle.Sip.Tests.Support;

namespace Sparkle.Sip.Tests.Dialogs;

public sealed class UserAgentCoreTests
{
    private static readonly NameAddress s_contact = NameAddress.Parse("<sip:conf-1@127.0.0.1:5060>;isfocus");

    private static (LayerHarness H, SipUserAgent Ua, HoldingApplication App) Create()
    {
        var h = new LayerHarness(attachUser: false);
        var ua = new SipUserAgent(h.Layer);
        var app = new HoldingApplication();
        ua.SetApplication(app);
        return (h, ua, app);
    }

    private static SipDialog AcceptFirstInvite(LayerHarness h, HoldingApplication app, string extra = "")
    {
        h.Receive(Support.Messages.Invite(extra: extra));
        Eventually.True(() => !app.Invites.IsEmpty, "INVITE reaches the application");
        app.Invites.TryDequeue(out var invite);
        return invite!.Accept(s_contact, "v=0\r\n")!;
    }

    private static string Ack(string toTag, uint cseq = 314159) =>
        Support.Messages.Invite(method: "ACK", body: "", toTag: toTag, branch: "z9hG4bKack" + cseq, cseq: cseq);

    [Fact]
    public void TwoHundredIsRetransmittedUntilTheAck()
    {
        var (h, _, app) = Create();
        var dialog = AcceptFirstInvite(h, app);
        h.Time.Advance(TimeSpan.FromSeconds(3.6));
        h.Receive(Ack(dialog.LocalTag));
        h.Time.Advance(TimeSpan.FromSeconds(60));

        Assert.Equal([0, 0.5, 1.5, 3.5], h.SentAt(m => m is SipResponse { StatusCode: 200 }));
        Eventually.True(() => app.Events.Contains("ack"), "the application sees the ACK");
        Assert.Empty(h.Sender.Requests("BYE"));
        Assert.Equal(DialogState.Confirmed, dialog.State);
    }

    [Fact]
    public void AckArrivingBeforeAcceptReturnsStillStopsTheRetransmissions()
    {
        var (h, _, app) = Create();
        h.Receive(Support.Messages.Invite());
        Eventually.True(() => !app.Invites.IsEmpty, "INVITE reaches the application");
        app.Invites.TryDequeue(out var invite);
        // A peer so fast that its ACK is processed while the 200 is still being sent.
        h.Sender.OnSent = m =>
        {
            if (m is SipResponse { StatusCode: 200 } ok)
            {
                h.Sender.OnSent = null;
                h.Receive(Ack(ok.ToTag!));
            }
        };
        var dialog = invite!.Accept(s_contact, "v=0\r\n")!;
        h.Time.Advance(TimeSpan.FromSeconds(40));

        Assert.Single(h.Sender.Responses(200));
        Assert.Empty(h.Sender.Requests("BYE"));
        Assert.Equal(DialogState.Confirmed, dialog.State);
    }

    [Fact]
    public void NoAckWithin64T1SendsByeAndEndsTheDialog()
    {
        var (h, ua, app) = Create();
        var dialog = AcceptFirstInvite(h, app);
        h.Time.Advance(TimeSpan.FromSeconds(31.9));
        Assert.Empty(h.Sender.Requests("BYE"));
        h.Time.Advance(TimeSpan.FromSeconds(0.1));

        Eventually.True(() => h.Sender.Requests("BYE").Count == 1, "BYE after 64*T1");
        var bye = h.Sender.Requests("BYE")[0];
        Assert.Equal(dialog.CallId, bye.CallId);
        Assert.Equal(dialog.LocalTag, bye.FromTag);
        Eventually.True(() => app.Events.Contains("ended:AckTimeout"), "the application is told");
        Assert.Equal(0, ua.DialogCount);
        // 2xx retransmissions stopped at the give-up point: T1 doubling to T2.
        Assert.Equal([0, 0.5, 1.5, 3.5, 7.5, 11.5, 15.5, 19.5, 23.5, 27.5, 31.5], h.SentAt(m => m is SipResponse { StatusCode: 200 }));
    }

    [Fact]
    public void KeepAliveEndsACallWhosePeerForgotTheDialog()
    {
        var (h, ua, app) = Create();
        var dialog = AcceptFirstInvite(h, app);
        h.Receive(Ack(dialog.LocalTag));

        // Younger than the period: not probed (a short call never sees an OPTIONS).
        h.Time.Advance(TimeSpan.FromMinutes(4.5));
        Assert.Empty(h.Sender.Requests("OPTIONS"));
        h.Time.Advance(TimeSpan.FromMinutes(0.5));
        var first = Assert.Single(h.Sender.Requests("OPTIONS"));
        Assert.Equal(dialog.RemoteTag, first.ToTag);
        h.Receive(first.CreateResponse(200));
        Assert.Equal(DialogState.Confirmed, dialog.State);

        h.Time.Advance(TimeSpan.FromMinutes(5));
        var second = h.Sender.Requests("OPTIONS")[1];
        h.Receive(second.CreateResponse(481));

        Eventually.True(() => h.Sender.Requests("BYE").Count == 1, "BYE to the vanished peer");
        Eventually.True(() => app.Events.Contains("ended:PeerGone"), "the application is told");
        Assert.Equal(0, ua.DialogCount);
    }

    [Fact]
    public void KeepAliveProbesEachCallByItsOwnAge()
    {
        var (h, _, app) = Create();
        var older = AcceptFirstInvite(h, app);
        h.Receive(Ack(older.LocalTag));
        h.Time.Advance(TimeSpan.FromMinutes(3));
        h.Receive(Support.Messages.Invite(branch: "z9hG4bKyounger", callId: "younger@pc33.atlanta.com"));
        Eventually.True(() => !app.Invites.IsEmpty, "the second INVITE reaches the application");
        app.Invites.TryDequeue(out var invite);
        var younger = invite!.Accept(s_contact, "v=0\r\n")!;
        h.Receive(Support.Messages.Invite(method: "ACK", body: "", toTag: younger.LocalTag, branch: "z9hG4bKackyounger", callId: "younger@pc33.atlanta.com"));

        // At 5 minutes only the call that is 5 minutes old is probed; the 2-minute-old one waits its turn.
        h.Time.Advance(TimeSpan.FromMinutes(2));
        var first = Assert.Single(h.Sender.Requests("OPTIONS"));
        Assert.Equal(older.CallId, first.CallId);
        h.Receive(first.CreateResponse(200));

        h.Time.Advance(TimeSpan.FromMinutes(3));
        var options = h.Sender.Requests("OPTIONS");
        Assert.Equal(2, options.Count);
        Assert.Equal(younger.CallId, options[1].CallId);
    }

    [Fact]
    public void SameRequestByAnotherPathGets482()
    {
        var (h, _, app) = Create();
        h.Receive(Support.Messages.Invite(branch: "z9hG4bKpath1"));
        h.Receive(Support.Messages.Invite(branch: "z9hG4bKpath2"));
        Eventually.True(() => h.Sender.Responses(482).Count == 1, "482 for the merged copy");
        Eventually.True(() => app.Invites.Count == 1, "only the first reaches the application");
    }

    [Fact]
    public void CancelGets200AndTheInvite487()
    {
        var (h, _, app) = Create();
        h.Receive(Support.Messages.Invite());
        Eventually.True(() => !app.Invites.IsEmpty, "INVITE reaches the application");
        h.Receive(Support.Messages.Invite(method: "CANCEL", body: ""));

        Eventually.True(() => h.Sender.Responses(487).Count == 1, "487 to the INVITE");
        var ok = Assert.Single(h.Sender.Responses(200));
        Assert.Equal("CANCEL", ok.CSeq!.Value.Method);
        Eventually.True(() => app.Events.Contains("cancelled"), "the application is told");
        app.Invites.TryPeek(out var invite);
        Assert.True(invite!.Cancelled.IsCancellationRequested);
        Assert.Null(invite.Accept(s_contact, "v=0\r\n"));
    }

    [Fact]
    public void CancelWithoutMatchingInviteGets481()
    {
        var (h, _, _) = Create();
        h.Receive(Support.Messages.Invite(method: "CANCEL", body: ""));
        Eventually.True(() => h.Sender.Responses(481).Count == 1, "481 to an unmatched CANCEL");
    }

    [Fact]
    public void RequestInUnknownDialogGets481()
    {
        var (h, _, _) = Create();
        h.Receive(Support.Messages.Invite(method: "BYE", body: "", toTag: "nosuchdialog"));
        Eventually.True(() => h.Sender.Responses(481).Count == 1, "481");
    }

    [Fact]
    public void ByeEndsTheDialog()
    {
        var (h, ua, app) = Create();
        var dialog = AcceptFirstInvite(h, app);
        h.Receive(Ack(dialog.LocalTag));
        h.Receive(Support.Messages.Invite(method: "BYE", body: "", toTag: dialog.LocalTag, cseq: 314160, branch: "z9hG4bKbye"));
        Eventually.True(() => app.Events.Contains("ended:RemoteBye"), "the application is told");
        Assert.Equal(0, ua.DialogCount);
        Assert.Contains(h.Sender.Responses(200), r => r.CSeq!.Value.Method == "BYE");
    }

    [Fact]
    public void LowerCSeqInDialogGets500()
    {
        var (h, _, app) = Create();
        var dialog = AcceptFirstInvite(h, app);
        h.Receive(Ack(dialog.LocalTag));
        h.Receive(Support.Messages.Invite(method: "INFO", body: "", toTag: dialog.LocalTag, cseq: 5, branch: "z9hG4bKinfo"));
        Eventually.True(() => h.Sender.Responses(500).Count == 1, "500 for an out-of-order CSeq");
    }

    [Fact]
    public async Task ReInviteWhileOursIsPendingGets491()
    {
        var (h, ua, app) = Create();
        var dialog = AcceptFirstInvite(h, app);
        h.Receive(Ack(dialog.LocalTag));
        var ours = ua.Invite(dialog.CreateRequest(SipMethods.Invite), dialog.Peer, dialog: dialog);
        h.Receive(Support.Messages.Invite(toTag: dialog.LocalTag, cseq: 314160, branch: "z9hG4bKreinv"));
        Eventually.True(() => h.Sender.Responses(491).Count == 1, "491 on glare");
        Assert.Empty(app.ReInvites);

        // Our own re-INVITE is refused while theirs... is not pending: a second local one gets 491 at once.
        var second = ua.Invite(dialog.CreateRequest(SipMethods.Invite), dialog.Peer, dialog: dialog);
        Assert.Equal(491, (await second.FinalResponse).StatusCode);
        Assert.False(ours.FinalResponse.IsCompleted);
    }

    [Fact]
    public void ReInviteIsOfferedToTheApplicationAndAnswered()
    {
        var (h, _, app) = Create();
        var dialog = AcceptFirstInvite(h, app);
        h.Receive(Ack(dialog.LocalTag));
        h.Receive(Support.Messages.Invite(toTag: dialog.LocalTag, cseq: 314160, branch: "z9hG4bKhold", body: "v=0\r\na=sendonly\r\n"));
        Eventually.True(() => !app.ReInvites.IsEmpty, "re-INVITE reaches the application");
        app.ReInvites.TryDequeue(out var reinvite);
        Assert.True(reinvite!.IsReInvite);
        Assert.Same(dialog, reinvite.Dialog);
        reinvite.Accept(s_contact, "v=0\r\na=recvonly\r\n");
        var ok = h.Sender.Responses(200).Last();
        Assert.Equal(314160u, ok.CSeq!.Value.Number);
        Assert.Equal(dialog.LocalTag, ok.ToTag);
    }

    [Fact]
    public void SessionExpiresBelowMinSEGets422WithMinSE()
    {
        var (h, _, app) = Create();
        h.Receive(Support.Messages.Invite(extra: "Session-Expires: 60\r\nSupported: timer\r\n"));
        Eventually.True(() => h.Sender.Responses(422).Count == 1, "422");
        Assert.Equal("90", h.Sender.Responses(422)[0].Headers.Get("Min-SE"));
        Assert.Empty(app.Invites);
    }

    [Fact]
    public void SessionTimerWithoutRefreshEndsTheCallWithBye()
    {
        var (h, _, app) = Create();
        var dialog = AcceptFirstInvite(h, app, "Session-Expires: 120\r\nSupported: timer\r\n");
        var ok = h.Sender.Responses(200)[0];
        Assert.Equal("120;refresher=uac", ok.Headers.Get("Session-Expires"));
        Assert.Contains("timer", ok.Headers.GetValues("Require"));
        h.Receive(Ack(dialog.LocalTag));

        // A refresh at 60 s restarts the timer.
        h.Time.Advance(TimeSpan.FromSeconds(60));
        h.Receive(Support.Messages.Invite(method: "UPDATE", body: "", toTag: dialog.LocalTag, cseq: 314160, branch: "z9hG4bKupd",
            extra: "Session-Expires: 120;refresher=uac\r\n"));
        Assert.Equal(2, h.Sender.Responses(200).Count);
        h.Time.Advance(TimeSpan.FromSeconds(79));
        Assert.Empty(h.Sender.Requests("BYE"));
        // 120 - min(32, 40) = 88 s after the refresh.
        h.Time.Advance(TimeSpan.FromSeconds(9));
        Eventually.True(() => h.Sender.Requests("BYE").Count == 1, "BYE when the session expires");
        Eventually.True(() => app.Events.Contains("ended:SessionExpired"), "the application is told");
    }

    [Theory]
    [InlineData("NEWMETHOD", "", 501)]
    [InlineData("OPTIONS", "Require: 100rel-of-the-future\r\n", 420)]
    public void CoreChecksRejectBeforeTheApplication(string method, string extra, int expected)
    {
        var (h, _, app) = Create();
        h.Receive(Support.Messages.Invite(method: method, body: "", extra: extra));
        Eventually.True(() => h.Sender.Responses(expected).Count == 1, $"{expected}");
        Assert.Empty(app.Requests);
    }

    [Fact]
    public async Task OutgoingInviteIsAckedOn2xxAndCreatesTheDialog()
    {
        var (h, ua, _) = Create();
        var invite = SipUserAgent.CreateRequest(SipMethods.Invite, SipUri.Parse("sip:1002@127.0.0.1:5070"),
            NameAddress.Parse("<sip:conf-1@tenant.example>"), NameAddress.Parse("<sip:1002@tenant.example>"), s_contact);
        var outgoing = ua.Invite(invite, LayerHarness.UdpPeer);
        var sent = h.Sender.Requests("INVITE").Single();
        var ok = sent.CreateResponse(200, toTag: "callee");
        ok.Headers.Add(HeaderNames.Contact, "<sip:1002@127.0.0.1:5070>");
        h.Receive(ok);

        Assert.Equal(200, (await outgoing.FinalResponse).StatusCode);
        var ack = Assert.Single(h.Sender.Requests("ACK"));
        Assert.Equal("callee", ack.ToTag);
        Assert.NotEqual(sent.TopVia!.Branch, ack.TopVia!.Branch);
        Assert.NotNull(outgoing.Dialog);
        Assert.Equal("sip:1002@127.0.0.1:5070", outgoing.Dialog!.RemoteTarget.ToString());

        // A retransmitted 2xx is ACKed again.
        h.Receive(ok);
        Eventually.True(() => h.Sender.Requests("ACK").Count == 2, "second ACK");
    }

    [Fact]
    public async Task AnswerArrivingWhileTheInviteIsStillBeingSentIsNotLost()
    {
        var (h, ua, _) = Create();
        // A peer so fast that its final answer is processed before Invite() returns.
        h.Sender.OnSent = m =>
        {
            if (m is SipRequest { Method: "INVITE" } sent)
            {
                h.Sender.OnSent = null;
                h.Receive(sent.CreateResponse(486, toTag: "busy"));
            }
        };
        var invite = SipUserAgent.CreateRequest(SipMethods.Invite, SipUri.Parse("sip:1002@127.0.0.1:5070"),
            NameAddress.Parse("<sip:conf-1@tenant.example>"), NameAddress.Parse("<sip:1002@tenant.example>"), s_contact);

        var outgoing = ua.Invite(invite, LayerHarness.UdpPeer);

        Assert.Equal(486, (await outgoing.FinalResponse.WaitAsync(TimeSpan.FromSeconds(5))).StatusCode);
    }

    [Fact]
    public void ProvisionalBeforeTheSubscriptionIsReplayedToTheLateSubscriber()
    {
        var (h, ua, _) = Create();
        h.Sender.OnSent = m =>
        {
            if (m is SipRequest { Method: "INVITE" } sent)
            {
                h.Sender.OnSent = null;
                h.Receive(sent.CreateResponse(180, toTag: "ring"));
            }
        };
        var invite = SipUserAgent.CreateRequest(SipMethods.Invite, SipUri.Parse("sip:1002@127.0.0.1:5070"),
            NameAddress.Parse("<sip:conf-1@tenant.example>"), NameAddress.Parse("<sip:1002@tenant.example>"), s_contact);
        var outgoing = ua.Invite(invite, LayerHarness.UdpPeer);
        // Let the 180 be processed before anyone subscribes.
        Thread.Sleep(200);
        var seen = new List<int>();
        outgoing.Provisional += r =>
        {
            lock (seen)
            {
                seen.Add(r.StatusCode);
            }
        };
        Eventually.True(() => { lock (seen) { return seen.Contains(180); } }, "the 180 reaches the late subscriber");
    }

    [Fact]
    public async Task OutgoingInviteAnswersADigestChallenge()
    {
        var (h, ua, _) = Create();
        var invite = SipUserAgent.CreateRequest(SipMethods.Invite, SipUri.Parse("sip:+4930123@trunk.example"),
            NameAddress.Parse("<sip:conf-1@tenant.example>"), NameAddress.Parse("<sip:+4930123@trunk.example>"), s_contact);
        var outgoing = ua.Invite(invite, LayerHarness.UdpPeer, new SipCredentials("trunkuser", "secret"));
        var first = h.Sender.Requests("INVITE").Single();
        var challenge = first.CreateResponse(407, toTag: "p");
        var server = new Sparkle.Sip.Auth.DigestServer();
        server.Challenge(challenge, "trunk.example", proxy: true);
        h.Receive(challenge);

        Eventually.True(() => h.Sender.Requests("INVITE").Count == 2, "INVITE resent with credentials");
        var second = h.Sender.Requests("INVITE")[1];
        Assert.Equal(first.CSeq!.Value.Number + 1, second.CSeq!.Value.Number);
        var credentials = Sparkle.Sip.Auth.DigestServer.FindCredentials(second, "trunk.example", proxy: true);
        Assert.Equal("SHA-256", credentials!.Algorithm);
        var verdict = server.Verify(second, credentials, "trunk.example",
            alg => Sparkle.Sip.Auth.DigestAlgorithm.Ha1(alg, "trunkuser", "trunk.example", "secret"));
        Assert.Equal(Sparkle.Sip.Auth.DigestVerdict.Valid, verdict);
        h.Receive(second.CreateResponse(486, toTag: "callee"));
        Assert.Equal(486, (await outgoing.FinalResponse).StatusCode);
    }
}
