using Sparkle.Sip.Dialogs;
using Sparkle.Sip.Messages;
using Sparkle.Sip.Tests.Support;

namespace Sparkle.Sip.Tests.Dialogs;

/// <summary>The UA core sending a re-INVITE in an existing call (RFC 3261 §14.1, §12.2.1), driven on a manual clock.</summary>
public sealed class ReInviteTests
{
    private const string Offer = "v=0\r\no=worker 7 8 IN IP4 127.0.0.2\r\ns=offer moved\r\nc=IN IP4 127.0.0.2\r\nt=0 0\r\nm=audio 30000 RTP/AVP 0\r\n";
    private const string Answer = "v=0\r\no=phone 1 2 IN IP4 127.0.0.1\r\ns=phone\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 40000 RTP/AVP 0\r\n";
    private static readonly NameAddress s_contact = NameAddress.Parse("<sip:conf-1@127.0.0.1:5060>;isfocus");

    private static (LayerHarness H, SipUserAgent Ua, HoldingApplication App) Create()
    {
        var h = new LayerHarness(attachUser: false);
        var ua = new SipUserAgent(h.Layer);
        var app = new HoldingApplication();
        ua.SetApplication(app);
        return (h, ua, app);
    }

    /// <summary>A dial-in: the phone's INVITE accepted and ACKed, so the core is the UAS of the dialog.</summary>
    private static SipDialog DialIn(LayerHarness h, HoldingApplication app, string extra = "")
    {
        h.Receive(Support.Messages.Invite(extra: extra));
        Eventually.True(() => !app.Invites.IsEmpty, "INVITE reaches the application");
        app.Invites.TryDequeue(out var invite);
        var dialog = invite!.Accept(s_contact, "v=0\r\ns=first\r\n")!;
        h.Receive(Support.Messages.Invite(method: "ACK", body: "", toTag: dialog.LocalTag, branch: "z9hG4bKack1"));
        // Past the INVITE transaction's short timers (100 Trying), so that the next short one is the back-off under test.
        h.Time.Advance(TimeSpan.FromSeconds(1));
        return dialog;
    }

    private static SipRequest SentInvite(LayerHarness h, int count)
    {
        Eventually.True(() => h.Sender.Requests("INVITE").Count >= count, $"re-INVITE number {count} is sent");
        return h.Sender.Requests("INVITE")[count - 1];
    }

    private static SipResponse Ok(SipRequest invite, string contact = "<sip:1001@127.0.0.1:5070>")
    {
        var ok = invite.CreateResponse(200);
        ok.Headers.Add(HeaderNames.Contact, contact);
        ok.Headers.Add(HeaderNames.ContentType, "application/sdp");
        ok.BodyText = Answer;
        return ok;
    }

    [Fact]
    public async Task ReInviteOnADialInFollowsTheDialogAndIsAckedAndSoAreRetransmittedAnswers()
    {
        var (h, ua, app) = Create();
        var dialog = DialIn(h, app, "Record-Route: <sip:proxy.example;lr>\r\n");
        var seqBefore = dialog.LocalSeq;

        var reinvite = ua.ReInviteAsync(dialog, Offer);

        var sent = SentInvite(h, 1);
        Assert.Equal("sip:1001@127.0.0.1:5070", sent.RequestUri.ToString());
        Assert.Equal(dialog.CallId, sent.CallId);
        Assert.Equal(dialog.LocalTag, sent.FromTag);
        Assert.Equal("1928301774", sent.ToTag);
        Assert.Equal(seqBefore + 1, sent.CSeq!.Value.Number);
        Assert.Equal(["<sip:proxy.example;lr>"], sent.Headers.GetValues(HeaderNames.Route));
        Assert.Equal(s_contact.ToString(), sent.Contact!.ToString());
        Assert.Equal(Offer, sent.BodyText);
        Assert.Equal("application/sdp", sent.ContentType);

        var ok = Ok(sent, "<sip:1001@10.0.0.9:5070>");
        h.Receive(ok);
        var response = await reinvite.WaitAsync(TimeSpan.FromSeconds(5));

        Assert.Equal(200, response.StatusCode);
        Assert.Equal(Answer, response.BodyText);
        var ack = Assert.Single(h.Sender.Requests("ACK"));
        Assert.Equal(sent.CSeq.Value.Number, ack.CSeq!.Value.Number);
        Assert.Equal("ACK", ack.CSeq.Value.Method);
        Assert.NotEqual(sent.TopVia!.Branch, ack.TopVia!.Branch);
        Assert.Equal(Offer, dialog.LocalSdp);
        Assert.Equal("sip:1001@10.0.0.9:5070", dialog.RemoteTarget.ToString());
        Assert.Equal(DialogState.Confirmed, dialog.State);

        // The phone did not see our ACK and resends its 200: ACKed again (§13.2.2.4).
        h.Receive(ok);
        Eventually.True(() => h.Sender.Requests("ACK").Count == 2, "the retransmitted 2xx is ACKed again");
        // The next request in the dialog goes to the new remote target with the next CSeq.
        var bye = dialog.CreateRequest(SipMethods.Bye);
        Assert.Equal(sent.CSeq.Value.Number + 1, bye.CSeq!.Value.Number);
        Assert.Equal("sip:1001@10.0.0.9:5070", bye.RequestUri.ToString());
    }

    [Fact]
    public async Task ReInviteOnADialOutUsesTheCalleesContactAndOurTag()
    {
        var (h, ua, _) = Create();
        var invite = SipUserAgent.CreateRequest(SipMethods.Invite, SipUri.Parse("sip:1002@127.0.0.1:5070"),
            NameAddress.Parse("<sip:conf-1@tenant.example>"), NameAddress.Parse("<sip:1002@tenant.example>"), s_contact);
        var outgoing = ua.Invite(invite, LayerHarness.UdpPeer);
        var first = h.Sender.Requests("INVITE").Single();
        var answered = first.CreateResponse(200, toTag: "callee");
        answered.Headers.Add(HeaderNames.Contact, "<sip:1002@127.0.0.1:5071>");
        h.Receive(answered);
        await outgoing.FinalResponse.WaitAsync(TimeSpan.FromSeconds(5));
        var dialog = outgoing.Dialog!;

        var reinvite = ua.ReInviteAsync(dialog, Offer);

        var sent = SentInvite(h, 2);
        Assert.Equal("sip:1002@127.0.0.1:5071", sent.RequestUri.ToString());
        Assert.Equal(first.FromTag, sent.FromTag);
        Assert.Equal("callee", sent.ToTag);
        Assert.Equal(first.CSeq!.Value.Number + 1, sent.CSeq!.Value.Number);
        h.Receive(Ok(sent, "<sip:1002@127.0.0.1:5071>"));
        Assert.Equal(200, (await reinvite.WaitAsync(TimeSpan.FromSeconds(5))).StatusCode);
        Eventually.True(() => h.Sender.Requests("ACK").Count(a => a.CSeq!.Value.Number == sent.CSeq.Value.Number) == 1, "the 2xx is ACKed");
        Assert.Equal(Offer, dialog.LocalSdp);
    }

    [Theory]
    [InlineData(true, 0.0, 2.0)]
    [InlineData(false, 2.1, 4.0)]
    public async Task GlareIsRetriedAfterTheBackOffOfRfc3261Section14(bool dialIn, double minSeconds, double maxSeconds)
    {
        var (h, ua, app) = Create();
        SipDialog dialog;
        if (dialIn)
        {
            dialog = DialIn(h, app);
        }
        else
        {
            var invite = SipUserAgent.CreateRequest(SipMethods.Invite, SipUri.Parse("sip:1002@127.0.0.1:5070"),
                NameAddress.Parse("<sip:conf-1@tenant.example>"), NameAddress.Parse("<sip:1002@tenant.example>"), s_contact);
            var outgoing = ua.Invite(invite, LayerHarness.UdpPeer);
            var answered = h.Sender.Requests("INVITE").Single().CreateResponse(200, toTag: "callee");
            answered.Headers.Add(HeaderNames.Contact, "<sip:1002@127.0.0.1:5070>");
            h.Receive(answered);
            await outgoing.FinalResponse.WaitAsync(TimeSpan.FromSeconds(5));
            dialog = outgoing.Dialog!;
            h.Time.Advance(TimeSpan.FromSeconds(1));
        }
        var before = h.Sender.Requests("INVITE").Count;

        var reinvite = ua.ReInviteAsync(dialog, Offer);
        var first = SentInvite(h, before + 1);
        h.Receive(first.CreateResponse(491));

        // The owner of the Call-ID (the dialog's UAC, i.e. us on a dial-out) waits 2.1-4 s, the other side 0-2 s.
        TimeSpan? backOff = null;
        Eventually.True(() => (backOff = h.Time.NextDueWithin(TimeSpan.FromSeconds(4.01))) is not null, "the back-off is armed");
        Assert.InRange(backOff!.Value.TotalSeconds, minSeconds, maxSeconds);
        Assert.Equal(before + 1, h.Sender.Requests("INVITE").Count);
        Assert.Contains(h.Sender.Requests("ACK"), a => a.TopVia!.Branch == first.TopVia!.Branch);

        h.Time.Advance(backOff.Value);
        var second = SentInvite(h, before + 2);
        Assert.True(second.CSeq!.Value.Number > first.CSeq!.Value.Number);
        Assert.NotEqual(first.TopVia!.Branch, second.TopVia!.Branch);
        Assert.Equal(Offer, second.BodyText);
        h.Receive(Ok(second));
        Assert.Equal(200, (await reinvite.WaitAsync(TimeSpan.FromSeconds(5))).StatusCode);
    }

    [Fact]
    public async Task PhonesReInviteWhileItsOwnIsPendingDelaysOursUntilItIsAcked()
    {
        var (h, ua, app) = Create();
        var dialog = DialIn(h, app);
        h.Receive(Support.Messages.Invite(toTag: dialog.LocalTag, cseq: 314160, branch: "z9hG4bKhold", body: "v=0\r\na=sendonly\r\n"));
        Eventually.True(() => !app.ReInvites.IsEmpty, "the phone's re-INVITE reaches the application");
        h.Time.Advance(TimeSpan.FromSeconds(0.2));
        Eventually.True(() => h.Sender.Responses(100).Count == 1, "their re-INVITE gets 100 Trying");

        var reinvite = ua.ReInviteAsync(dialog, Offer);

        // §14.1: no INVITE of ours while theirs is in progress: the core backs off as if it got 491.
        TimeSpan? backOff = null;
        Eventually.True(() => (backOff = h.Time.NextDueWithin(TimeSpan.FromSeconds(2.01))) is not null, "the back-off is armed");
        Assert.Empty(h.Sender.Requests("INVITE"));
        app.ReInvites.TryDequeue(out var theirs);
        theirs!.Accept(s_contact, "v=0\r\na=recvonly\r\n");
        h.Receive(Support.Messages.Invite(method: "ACK", body: "", toTag: dialog.LocalTag, cseq: 314160, branch: "z9hG4bKack2"));
        Eventually.True(() => app.Events.Count(e => e == "ack") == 2, "their re-INVITE is ACKed");

        h.Time.Advance(backOff!.Value);
        var sent = SentInvite(h, 1);
        h.Receive(Ok(sent));
        Assert.Equal(200, (await reinvite.WaitAsync(TimeSpan.FromSeconds(5))).StatusCode);
    }

    [Fact]
    public async Task ReInviteWaitsForTheAckOfTheFirst200()
    {
        var (h, ua, app) = Create();
        h.Receive(Support.Messages.Invite());
        Eventually.True(() => !app.Invites.IsEmpty, "INVITE reaches the application");
        app.Invites.TryDequeue(out var invite);
        var dialog = invite!.Accept(s_contact, "v=0\r\ns=first\r\n")!;
        h.Time.Advance(TimeSpan.FromSeconds(0.2));

        // Refused here before anything is sent (the back-off is armed within the call), as the phone may not have the 200 yet.
        var reinvite = ua.ReInviteAsync(dialog, Offer);

        Assert.Empty(h.Sender.Requests("INVITE"));
        h.Receive(Support.Messages.Invite(method: "ACK", body: "", toTag: dialog.LocalTag, branch: "z9hG4bKack1"));
        h.Time.AdvanceInSteps(TimeSpan.FromSeconds(2.1), TimeSpan.FromSeconds(0.1));
        var sent = SentInvite(h, 1);
        h.Receive(Ok(sent));
        Assert.Equal(200, (await reinvite.WaitAsync(TimeSpan.FromSeconds(5))).StatusCode);
    }

    [Fact]
    public async Task GlareThreeTimesRunsGiveUpWith491()
    {
        var (h, ua, app) = Create();
        var dialog = DialIn(h, app);
        var reinvite = ua.ReInviteAsync(dialog, Offer);
        for (var attempt = 1; attempt <= SipUserAgent.ReInviteAttempts; attempt++)
        {
            var sent = SentInvite(h, attempt);
            h.Receive(sent.CreateResponse(491));
            if (attempt < SipUserAgent.ReInviteAttempts)
            {
                TimeSpan? backOff = null;
                Eventually.True(() => (backOff = h.Time.NextDueWithin(TimeSpan.FromSeconds(2.01))) is not null, "the back-off is armed");
                h.Time.Advance(backOff!.Value);
            }
        }
        Assert.Equal(491, (await reinvite.WaitAsync(TimeSpan.FromSeconds(5))).StatusCode);
        Assert.Equal(DialogState.Confirmed, dialog.State);
        Assert.Equal("v=0\r\ns=first\r\n", dialog.LocalSdp);
    }

    [Fact]
    public async Task RefusalLeavesTheCallAsItWas()
    {
        var (h, ua, app) = Create();
        var dialog = DialIn(h, app);

        var reinvite = ua.ReInviteAsync(dialog, Offer);
        var sent = SentInvite(h, 1);
        h.Receive(sent.CreateResponse(488));

        Assert.Equal(488, (await reinvite.WaitAsync(TimeSpan.FromSeconds(5))).StatusCode);
        Assert.Contains(h.Sender.Requests("ACK"), a => a.TopVia!.Branch == sent.TopVia!.Branch);
        Assert.Equal(DialogState.Confirmed, dialog.State);
        Assert.Equal("v=0\r\ns=first\r\n", dialog.LocalSdp);
        Assert.Empty(h.Sender.Requests("BYE"));
        Assert.DoesNotContain(app.Events, e => e.StartsWith("ended", StringComparison.Ordinal));
    }

    [Fact]
    public async Task NoAnswerWithinTimerBEndsTheCallWithBye()
    {
        var (h, ua, app) = Create();
        var dialog = DialIn(h, app);

        var reinvite = ua.ReInviteAsync(dialog, Offer);
        SentInvite(h, 1);
        h.Time.AdvanceInSteps(TimeSpan.FromSeconds(32), TimeSpan.FromSeconds(1));

        Assert.Equal(408, (await reinvite.WaitAsync(TimeSpan.FromSeconds(5))).StatusCode);
        Eventually.True(() => h.Sender.Requests("BYE").Count == 1, "§14.1: a re-INVITE timing out ends the dialog");
        Eventually.True(() => app.Events.Contains("ended:PeerGone"), "the application is told");
        Assert.Equal(DialogState.Terminated, dialog.State);
    }

    [Fact]
    public async Task ReInviteRefreshesTheSessionTimerAndKeepsThePhoneTheRefresher()
    {
        var (h, ua, app) = Create();
        var dialog = DialIn(h, app, "Session-Expires: 120\r\nSupported: timer\r\n");
        h.Time.Advance(TimeSpan.FromSeconds(60));

        var reinvite = ua.ReInviteAsync(dialog, Offer);
        var sent = SentInvite(h, 1);
        Assert.Equal("120;refresher=uas", sent.Headers.Get(HeaderNames.SessionExpires));
        var ok = Ok(sent);
        ok.Headers.Add(HeaderNames.SessionExpires, "120;refresher=uas");
        h.Receive(ok);
        Assert.Equal(200, (await reinvite.WaitAsync(TimeSpan.FromSeconds(5))).StatusCode);

        // Expiry counts from the re-INVITE now, not from the first INVITE: 88 s after it, not 28.
        h.Time.Advance(TimeSpan.FromSeconds(87));
        Assert.Empty(h.Sender.Requests("BYE"));
        h.Time.Advance(TimeSpan.FromSeconds(1));
        Eventually.True(() => h.Sender.Requests("BYE").Count == 1, "BYE when the phone stops refreshing");
    }

    [Fact]
    public async Task ChallengedReInviteIsResentWithCredentialsOnTheDialogsNextCSeq()
    {
        var (h, ua, app) = Create();
        var dialog = DialIn(h, app);

        var reinvite = ua.ReInviteAsync(dialog, Offer, new SipCredentials("trunkuser", "secret"));
        var first = SentInvite(h, 1);
        var challenge = first.CreateResponse(407);
        new Sparkle.Sip.Auth.DigestServer().Challenge(challenge, "trunk.example", proxy: true);
        h.Receive(challenge);

        var second = SentInvite(h, 2);
        Assert.Equal(first.CSeq!.Value.Number + 1, second.CSeq!.Value.Number);
        Assert.NotNull(second.Headers.Get(HeaderNames.ProxyAuthorization));
        h.Receive(Ok(second));
        Assert.Equal(200, (await reinvite.WaitAsync(TimeSpan.FromSeconds(5))).StatusCode);
        Assert.Equal(second.CSeq.Value.Number + 1, dialog.CreateRequest(SipMethods.Options).CSeq!.Value.Number);
    }
}
