using System.Collections.Concurrent;
using System.Net;
using Sparkle.Sip.Auth;
using Sparkle.Sip.Dialogs;
using Sparkle.Sip.Messages;
using Sparkle.Sip.Transactions;
using Sparkle.Sip.Transport;

namespace Sparkle.Gateway.Tests.Infrastructure;

/// <summary>A tenant's SIP trunk (outbound proxy) for tests: challenges INVITEs with 407 and answers the
/// authenticated ones, as a carrier's proxy would.</summary>
public sealed class FakeTrunk : ISipApplication, IAsyncDisposable
{
    public const string Realm = "trunk.example";
    public const string Username = "tenant-trunk";
    public const string Password = "trunk secret";

    private readonly SipTransport _transport;
    private readonly DigestServer _digest = new();

    public FakeTrunk()
    {
        _transport = new SipTransport(new SipTransportOptions { BindAddress = IPAddress.Loopback, UdpPort = 0, TcpPort = null, TlsPort = null });
        var layer = new SipTransactionLayer(_transport);
        var agent = new SipUserAgent(layer);
        agent.SetApplication(this);
        _transport.SetSink(layer);
        _transport.Start();
    }

    public string Address => $"127.0.0.1:{_transport.UdpEndPoint!.Value.Address.Port}";
    public ConcurrentQueue<SipRequest> Authorized { get; } = new();
    public int Challenged;

    public Task OnInviteAsync(IncomingInvite invite)
    {
        var credentials = DigestServer.FindCredentials(invite.Request, Realm, proxy: true);
        var verdict = _digest.Verify(invite.Request, credentials, Realm, algorithm => DigestAlgorithm.Ha1(algorithm, Username, Realm, Password));
        if (verdict != DigestVerdict.Valid || credentials?.Username != Username)
        {
            Interlocked.Increment(ref Challenged);
            invite.Reject(407, customize: r => _digest.Challenge(r, Realm, proxy: true));
            return Task.CompletedTask;
        }
        Authorized.Enqueue(invite.Request);
        invite.Accept(new NameAddress(new SipUri("sip", invite.Request.RequestUri.User, "127.0.0.1", _transport.UdpEndPoint!.Value.Address.Port)),
            SipTestClient.PhoneSdp);
        return Task.CompletedTask;
    }

    public Task OnReInviteAsync(IncomingInvite invite)
    {
        invite.Reject(488);
        return Task.CompletedTask;
    }

    public Task OnAckAsync(SipDialog dialog, SipRequest ack) => Task.CompletedTask;

    public Task OnCancelledAsync(IncomingInvite invite) => Task.CompletedTask;

    public Task OnDialogEndedAsync(SipDialog dialog, DialogEndReason reason) => Task.CompletedTask;

    public Task OnRequestAsync(ServerTransaction transaction, SipDialog? dialog)
    {
        transaction.Respond(transaction.Request.CreateResponse(200, toTag: transaction.Request.ToTag is null ? "t" : null));
        return Task.CompletedTask;
    }

    public ValueTask DisposeAsync() => _transport.DisposeAsync();
}
