using System.Collections.Concurrent;
using System.Net;
using Sparkle.Sip.Auth;
using Sparkle.Sip.Dialogs;
using Sparkle.Sip.Messages;
using Sparkle.Sip.Transactions;
using Sparkle.Sip.Transport;

namespace Sparkle.Gateway.Tests.Infrastructure;

/// <summary>A SIP phone for tests, built on the same stack: it registers, calls, subscribes, refers,
/// answers the focus's INVITEs with a fixed SDP and records every NOTIFY.</summary>
public sealed class SipTestClient : ISipApplication, IAsyncDisposable
{
    public const string PhoneSdp = "v=0\r\no=phone 1 1 IN IP4 127.0.0.1\r\ns=phone\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 40000 RTP/AVP 0\r\n";

    private readonly SipTransport _transport;

    public SipTestClient(string number, string domain, SipEndPoint gateway, string password = GatewayFixture.Password)
    {
        Number = number;
        Domain = domain;
        Gateway = gateway;
        Password = password;
        // TLS is client-side only here: the phone connects out, and the focus answers on that connection.
        _transport = new SipTransport(new SipTransportOptions
        {
            BindAddress = IPAddress.Loopback,
            UdpPort = 0,
            TcpPort = 0,
            TlsPort = null,
            AcceptAnyServerCertificate = true,
        });
        var layer = new SipTransactionLayer(_transport);
        Agent = new SipUserAgent(layer);
        Agent.SetApplication(this);
        _transport.SetSink(layer);
        _transport.Start();
    }

    public string Number { get; }
    public string Domain { get; }
    public SipEndPoint Gateway { get; }
    public string Password { get; }
    public SipUserAgent Agent { get; }
    public int Port => _transport.UdpEndPoint!.Value.Address.Port;
    /// <summary>0 = answer 200; otherwise the status to reject incoming INVITEs with.</summary>
    public int AnswerInvitesWith { get; set; }

    /// <summary>The answer to re-INVITEs with an offer (null: our <see cref="PhoneSdp"/>).</summary>
    public string? ReInviteAnswer { get; set; }
    /// <summary>0 = answer re-INVITEs 200; otherwise the status to reject them with.</summary>
    public int AnswerReInvitesWith { get; set; }
    /// <summary>How many of the next re-INVITEs to refuse with 491, as a phone whose own re-INVITE crossed ours.</summary>
    public int GlaresToSimulate;
    /// <summary>Queue re-INVITEs without answering; the test answers them from <see cref="ReInvites"/>.</summary>
    public bool HoldReInvites { get; set; }
    public ConcurrentQueue<IncomingInvite> ReInvites { get; } = new();

    public ConcurrentQueue<SipRequest> Notifies { get; } = new();
    /// <summary>ACKs of 2xx responses this phone sent.</summary>
    public ConcurrentQueue<SipRequest> Acks { get; } = new();
    public ConcurrentQueue<IncomingInvite> IncomingInvites { get; } = new();
    public ConcurrentQueue<SipDialog> Ended { get; } = new();

    public NameAddress Aor => new(new SipUri("sip", Number, Domain));
    public NameAddress ContactAddress => new(new SipUri("sip", Number, "127.0.0.1", Port));

    public SipRequest NewRequest(string method, string user) =>
        SipUserAgent.CreateRequest(method, new SipUri("sip", user, Domain), Aor, new NameAddress(new SipUri("sip", user, Domain)), ContactAddress);

    /// <summary>Sends a request, answering one 401 with our credentials.</summary>
    public async Task<SipResponse> SendAuthenticatedAsync(SipRequest request, bool answerChallenge = true)
    {
        var response = await Agent.SendAsync(request, Gateway);
        if (response.StatusCode != 401 || !answerChallenge || DigestClient.PickChallenge(response) is not { } challenge)
        {
            return response;
        }
        var retry = new SipRequest(request.Method, request.RequestUri) { Body = request.Body };
        foreach (var h in request.Headers)
        {
            if (h.Name is HeaderNames.Via or HeaderNames.Authorization)
            {
                continue;
            }
            retry.Headers.Add(h.Name, h.Name == HeaderNames.CSeq
                ? new CSeqHeader(request.CSeq!.Value.Number + 1, request.Method).ToString()
                : h.Value);
        }
        retry.Headers.Add(HeaderNames.Authorization,
            DigestClient.Authorize(challenge, request.Method, request.RequestUri.ToString(), Number, Password));
        return await Agent.SendAsync(retry, Gateway);
    }

    public Task<SipResponse> RegisterAsync(int expires = 600)
    {
        var register = SipUserAgent.CreateRequest(SipMethods.Register, new SipUri("sip", null, Domain), Aor, Aor, ContactAddress);
        register.Headers.Add(HeaderNames.Expires, expires.ToString(System.Globalization.CultureInfo.InvariantCulture));
        return SendAuthenticatedAsync(register);
    }

    public OutgoingInvite Call(string user, string sdp = PhoneSdp)
    {
        var invite = NewRequest(SipMethods.Invite, user);
        invite.Headers.Add(HeaderNames.ContentType, "application/sdp");
        invite.BodyText = sdp;
        return Agent.Invite(invite, Gateway, new SipCredentials(Number, Password));
    }

    public Task OnInviteAsync(IncomingInvite invite)
    {
        IncomingInvites.Enqueue(invite);
        if (AnswerInvitesWith == 0)
        {
            invite.Accept(ContactAddress, PhoneSdp);
        }
        else
        {
            invite.Reject(AnswerInvitesWith);
        }
        return Task.CompletedTask;
    }

    public Task OnReInviteAsync(IncomingInvite invite)
    {
        ReInvites.Enqueue(invite);
        if (HoldReInvites)
        {
            return Task.CompletedTask;
        }
        if (Interlocked.Decrement(ref GlaresToSimulate) >= 0)
        {
            invite.Reject(491);
        }
        else if (AnswerReInvitesWith != 0)
        {
            invite.Reject(AnswerReInvitesWith);
        }
        else
        {
            invite.Accept(ContactAddress, invite.Request.Body.Length == 0 ? PhoneSdp : ReInviteAnswer ?? PhoneSdp);
        }
        return Task.CompletedTask;
    }

    public Task OnAckAsync(SipDialog dialog, SipRequest ack)
    {
        Acks.Enqueue(ack);
        return Task.CompletedTask;
    }

    public Task OnCancelledAsync(IncomingInvite invite) => Task.CompletedTask;

    public Task OnDialogEndedAsync(SipDialog dialog, DialogEndReason reason)
    {
        Ended.Enqueue(dialog);
        return Task.CompletedTask;
    }

    public Task OnRequestAsync(ServerTransaction transaction, SipDialog? dialog)
    {
        if (transaction.Request.Method == SipMethods.Notify)
        {
            Notifies.Enqueue(transaction.Request);
        }
        transaction.Respond(transaction.Request.CreateResponse(200, toTag: transaction.Request.ToTag is null ? "c" : null));
        return Task.CompletedTask;
    }

    public ValueTask DisposeAsync() => _transport.DisposeAsync();
}
