using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Sparkle.Sip.Messages;
using Sparkle.Sip.Transport;

namespace Sparkle.Sip.Transactions;

/// <summary>Matches messages to transactions (§17.1.3, §17.2.3), creates server transactions for new
/// requests, and starts client transactions for the UA core. The clock is injectable.</summary>
public sealed class SipTransactionLayer : ISipMessageSink
{
    private readonly ConcurrentDictionary<string, ServerTransaction> _server = new();
    private readonly ConcurrentDictionary<string, ClientTransaction> _client = new();
    private readonly ISipSender _sender;

    public SipTransactionLayer(ISipSender sender, TimeProvider? time = null, SipTimers? timers = null, ILogger? logger = null)
    {
        _sender = sender;
        Time = time ?? TimeProvider.System;
        Timers = timers ?? SipTimers.Default;
        Logger = logger ?? NullLogger.Instance;
    }

    public TimeProvider Time { get; }
    public SipTimers Timers { get; }
    internal ILogger Logger { get; }
    public ISipTransactionUser? User { get; set; }

    public int ServerTransactionCount => _server.Count;
    public int ClientTransactionCount => _client.Count;

    public void OnMessage(SipInbound inbound)
    {
        if (inbound.Message is SipRequest request)
        {
            OnRequest(request, inbound);
        }
        else if (inbound.Message is SipResponse response)
        {
            var key = TransactionKey.ForClient(response);
            if (key is not null && _client.TryGetValue(key, out var transaction))
            {
                transaction.OnResponse(response);
            }
            else
            {
                User?.OnStrayResponse(inbound);
            }
        }
    }

    /// <summary>Starts a client transaction: the sender picks the transport and stamps the Via (a fresh
    /// branch unless the request has one); then it is sent.</summary>
    /// <param name="onResponse">Subscribed before the request leaves, so no fast response is missed.</param>
    public ClientTransaction SendRequest(SipRequest request, SipEndPoint destination,
        Action<ClientTransaction, SipResponse>? onResponse = null)
    {
        var actual = _sender.PrepareRequest(request, destination);
        var branch = request.TopVia!.Branch!;
        var method = request.Method;
        var key = TransactionKey.ForClient(branch, method);
        ClientTransaction transaction = method == SipMethods.Invite
            ? new InviteClientTransaction(this, key, request, actual)
            : new NonInviteClientTransaction(this, key, request, actual);
        if (onResponse is not null)
        {
            transaction.ResponseReceived += onResponse;
        }
        _client[key] = transaction;
        transaction.Start();
        return transaction;
    }

    /// <summary>Sends outside any transaction: the ACK for a 2xx, and the UAS core's 2xx retransmissions.</summary>
    public void SendStateless(SipMessage message, SipEndPoint destination)
    {
        if (message is SipRequest request)
        {
            destination = _sender.PrepareRequest(request, destination);
            Send(request, destination, null);
        }
        else
        {
            SendResponse((SipResponse)message, destination);
        }
    }

    /// <summary>The INVITE server transaction a CANCEL refers to (same branch and sent-by, §9.2).</summary>
    public InviteServerTransaction? FindInviteFor(SipRequest cancel) =>
        _server.TryGetValue(TransactionKey.ForServer(cancel, SipMethods.Invite), out var t) ? t as InviteServerTransaction : null;

    internal void Remove(SipTransaction transaction)
    {
        if (transaction is ServerTransaction s)
        {
            _server.TryRemove(new KeyValuePair<string, ServerTransaction>(s.Key, s));
        }
        else if (transaction is ClientTransaction c)
        {
            _client.TryRemove(new KeyValuePair<string, ClientTransaction>(c.Key, c));
        }
    }

    internal void Send(SipMessage message, SipEndPoint destination, ClientTransaction? owner)
    {
        _ = SendCoreAsync(message, destination, owner);
    }

    internal void SendResponse(SipResponse response, SipEndPoint requestSource)
    {
        _ = SendResponseCoreAsync(response, requestSource);
    }

    private void OnRequest(SipRequest request, SipInbound inbound)
    {
        var key = TransactionKey.ForServer(request);
        if (request.Method == SipMethods.Ack)
        {
            if (_server.TryGetValue(key, out var invite) && invite is InviteServerTransaction ist && ist.OnAck())
            {
                return;
            }
            User?.OnAck(inbound);
            return;
        }
        if (_server.TryGetValue(key, out var existing))
        {
            existing.OnRetransmission();
            return;
        }
        ServerTransaction transaction = request.Method == SipMethods.Invite
            ? new InviteServerTransaction(this, key, inbound)
            : new NonInviteServerTransaction(this, key, inbound);
        if (!_server.TryAdd(key, transaction))
        {
            // A concurrent retransmission won the race; it owns the request.
            return;
        }
        if (User is { } user)
        {
            user.OnRequest(transaction);
        }
        else
        {
            transaction.Respond(request.CreateResponse(503));
        }
    }

    private async Task SendCoreAsync(SipMessage message, SipEndPoint destination, ClientTransaction? owner)
    {
        try
        {
            await _sender.SendAsync(message, destination).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            Logger.LogInformation("Send to {Destination} failed: {Message}", destination, ex.Message);
            owner?.OnTransportError();
        }
    }

    private async Task SendResponseCoreAsync(SipResponse response, SipEndPoint requestSource)
    {
        try
        {
            await _sender.SendResponseAsync(response, requestSource).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            Logger.LogInformation("Response to {Destination} failed: {Message}", requestSource, ex.Message);
        }
    }
}
