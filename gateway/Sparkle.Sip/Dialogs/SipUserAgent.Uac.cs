using System.Collections.Concurrent;
using Sparkle.Sip.Auth;
using Sparkle.Sip.Messages;
using Sparkle.Sip.Transactions;
using Sparkle.Sip.Transport;

namespace Sparkle.Sip.Dialogs;

/// <summary>Credentials for answering 401/407 challenges (a tenant's SIP trunk).</summary>
public sealed record SipCredentials(string Username, string Password);

public sealed partial class SipUserAgent
{
    /// <summary>ACKs we sent for 2xx responses, to resend when the 2xx is retransmitted (§13.2.2.4).</summary>
    private readonly ConcurrentDictionary<string, (SipRequest Ack, SipEndPoint Peer, DateTimeOffset Sent)> _sentAcks = new();

    /// <summary>Builds an out-of-dialog request with a new Call-ID, From tag and CSeq 1.</summary>
    public static SipRequest CreateRequest(string method, SipUri requestUri, NameAddress from, NameAddress to, NameAddress? contact = null)
    {
        var request = new SipRequest(method, requestUri);
        request.Headers.Add(HeaderNames.MaxForwards, "70");
        var fromCopy = from.Clone();
        fromCopy.Tag ??= NewTag();
        request.Headers.Add(HeaderNames.From, fromCopy.ToString());
        request.Headers.Add(HeaderNames.To, to.ToString());
        request.Headers.Add(HeaderNames.CallId, NewCallId());
        request.Headers.Add(HeaderNames.CSeq, new CSeqHeader(1, method).ToString());
        if (contact is not null)
        {
            request.Headers.Add(HeaderNames.Contact, contact.ToString());
        }
        return request;
    }

    /// <summary>Sends a request outside a dialog (OPTIONS, NOTIFY for a REFER's implicit subscription...).</summary>
    public Task<SipResponse> SendAsync(SipRequest request, SipEndPoint destination) =>
        _layer.SendRequest(request, destination).FinalResponse;

    /// <summary>Sends a non-INVITE request within a dialog. A 481 or 408 ends the dialog (§12.2.1.2).</summary>
    public async Task<SipResponse> SendInDialogAsync(SipDialog dialog, SipRequest request)
    {
        var response = await _layer.SendRequest(request, dialog.Peer).FinalResponse.ConfigureAwait(false);
        if (response.StatusCode is 481 or 408 && request.Method != SipMethods.Bye)
        {
            EndDialog(dialog, DialogEndReason.RemoteBye);
        }
        return response;
    }

    /// <summary>Ends a dialog with BYE. The application is told only when the core itself decided it
    /// (ACK timeout, session expiry).</summary>
    public Task HangUpAsync(SipDialog dialog) => SendByeAsync(dialog, null);

    private async Task SendByeAsync(SipDialog dialog, DialogEndReason? reason)
    {
        if (dialog.State == DialogState.Terminated)
        {
            return;
        }
        var bye = dialog.CreateRequest(SipMethods.Bye);
        EndDialog(dialog, reason ?? DialogEndReason.RemoteBye, notify: reason is not null);
        try
        {
            await _layer.SendRequest(bye, dialog.Peer).FinalResponse.ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // The dialog is gone whatever the peer answers.
        }
    }

    /// <summary>Sends an INVITE; creates the dialog and ACKs on 2xx; answers one 401/407 with credentials.</summary>
    public OutgoingInvite Invite(SipRequest invite, SipEndPoint destination, SipCredentials? credentials = null,
        SipDialog? dialog = null, object? applicationState = null)
    {
        var outgoing = new OutgoingInvite(invite) { Dialog = dialog, ApplicationState = applicationState };
        if (dialog is not null)
        {
            lock (dialog)
            {
                if (dialog.IncomingInvitePending || dialog.OutgoingInvitePending || dialog.AwaitingFirstAck)
                {
                    outgoing.Complete(invite.CreateResponse(491));
                    return outgoing;
                }
                dialog.OutgoingInvitePending = true;
            }
        }
        SendInvite(outgoing, destination, credentials);
        return outgoing;
    }

    /// <summary>§9.1: CANCEL once a provisional arrived (sent later if none has yet).</summary>
    public void Cancel(OutgoingInvite outgoing)
    {
        lock (outgoing.Gate)
        {
            outgoing.CancelRequested = true;
            if (outgoing.Transaction is { ReceivedProvisional: true } && !outgoing.CancelSent)
            {
                SendCancel(outgoing);
            }
        }
    }

    private void SendInvite(OutgoingInvite outgoing, SipEndPoint destination, SipCredentials? credentials)
    {
        lock (outgoing.Gate)
        {
            // Under the lock: a provisional racing this assignment waits to see the transaction (CANCEL needs it).
            var transaction = _layer.SendRequest(outgoing.Request, destination,
                (t, response) => OnInviteResponse(outgoing, t, response, destination, credentials));
            outgoing.Transaction = transaction;
            // Timer B and transport errors end the transaction with a 408 or 503 that no peer sent, so it is not passed up
            // as a response: the INVITE ends with it too (and a re-INVITE's dialog is free for the next one).
            _ = transaction.FinalResponse.ContinueWith(t =>
            {
                if (t.Result.StatusCode is 408 or 503 && ReferenceEquals(outgoing.Transaction, transaction))
                {
                    Finish(outgoing, t.Result);
                }
            }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }
    }

    private void OnInviteResponse(OutgoingInvite outgoing, ClientTransaction transaction, SipResponse response,
        SipEndPoint destination, SipCredentials? credentials)
    {
        if (response.StatusCode < 200)
        {
            lock (outgoing.Gate)
            {
                if (outgoing.CancelRequested && !outgoing.CancelSent)
                {
                    SendCancel(outgoing);
                }
            }
            outgoing.RaiseProvisional(response);
            return;
        }
        if (response.StatusCode < 300)
        {
            OnInviteSuccess(outgoing, response, transaction.Peer);
            return;
        }
        if (response.StatusCode is 401 or 407 && credentials is not null && !outgoing.AuthAttempted
            && DigestClient.PickChallenge(response) is { } challenge)
        {
            outgoing.AuthAttempted = true;
            // In a dialog the retry takes the dialog's next CSeq, so that later requests do not reuse it.
            var retry = CloneForRetry(outgoing.Request, outgoing.Dialog?.NextLocalSeq() ?? outgoing.Request.CSeq!.Value.Number + 1);
            retry.Headers.Add(response.StatusCode == 407 ? HeaderNames.ProxyAuthorization : HeaderNames.Authorization,
                DigestClient.Authorize(challenge, SipMethods.Invite, retry.RequestUri.ToString(), credentials.Username, credentials.Password));
            outgoing.Request = retry;
            SendInvite(outgoing, destination, credentials);
            return;
        }
        Finish(outgoing, response);
    }

    private void OnInviteSuccess(OutgoingInvite outgoing, SipResponse response, SipEndPoint peer)
    {
        var request = outgoing.Request;
        peer = WhereItWent(request, peer);
        var cseq = request.CSeq!.Value.Number;
        var dialog = outgoing.Dialog;
        if (dialog is null)
        {
            // §12.1.2: the UAC's dialog; route set = Record-Route reversed.
            var routeSet = response.Headers.GetValues(HeaderNames.RecordRoute);
            routeSet.Reverse();
            dialog = new SipDialog(request.CallId!, request.From!, response.To!, response.Contact?.Uri ?? request.RequestUri,
                routeSet, isUas: false, peer, cseq, remoteSeq: null)
            {
                LocalContact = request.Contact,
                LocalSdp = request.Body.Length > 0 ? request.BodyText : null,
                ApplicationState = outgoing.ApplicationState,
                IsInviteDialog = true,
                KeepAliveDue = NextKeepAlive(),
            };
            var existing = _dialogs.GetOrAdd(dialog.Id, dialog);
            if (!ReferenceEquals(existing, dialog))
            {
                // A retransmitted 2xx: resend the ACK only.
                ResendAck(existing, cseq);
                return;
            }
            outgoing.Dialog = dialog;
        }
        else if (response.Contact is { } contact)
        {
            dialog.RemoteTarget = contact.Uri;
        }
        var ack = dialog.CreateRequest(SipMethods.Ack, cseq);
        if (outgoing.AckBody is { } answer)
        {
            ack.Headers.Add(HeaderNames.ContentType, "application/sdp");
            ack.BodyText = answer;
        }
        foreach (var auth in request.Headers.GetLines(HeaderNames.Authorization).ToList())
        {
            ack.Headers.Add(HeaderNames.Authorization, auth);
        }
        var ackKey = AckKey(dialog, cseq);
        if (_sentAcks.ContainsKey(ackKey))
        {
            ResendAck(dialog, cseq);
            return;
        }
        _layer.SendStateless(ack, dialog.Peer);
        _sentAcks[ackKey] = (ack, dialog.Peer, _layer.Time.GetUtcNow());
        PruneSentAcks();
        bool cancelled;
        lock (outgoing.Gate)
        {
            cancelled = outgoing.CancelRequested;
        }
        if (cancelled && outgoing.Request.ToTag is null)
        {
            // The callee answered while we were cancelling: ACK then BYE (§9.1).
            _ = HangUpAsync(dialog);
        }
        Finish(outgoing, response);
    }

    void ISipTransactionUser.OnStrayResponse(SipInbound inbound)
    {
        var response = (SipResponse)inbound.Message;
        if (response.IsSuccess && response.CSeq is { Method: SipMethods.Invite } cseq
            && FindDialog(response.CallId ?? "", response.FromTag ?? "", response.ToTag ?? "") is { } dialog)
        {
            ResendAck(dialog, cseq.Number);
        }
    }

    private void ResendAck(SipDialog dialog, uint cseq)
    {
        if (_sentAcks.TryGetValue(AckKey(dialog, cseq), out var sent))
        {
            _layer.SendStateless(sent.Ack, sent.Peer);
        }
    }

    private void PruneSentAcks()
    {
        var horizon = _layer.Time.GetUtcNow() - _layer.Timers.SixtyFourT1;
        foreach (var (key, value) in _sentAcks)
        {
            if (value.Sent < horizon)
            {
                _sentAcks.TryRemove(key, out _);
            }
        }
    }

    /// <summary>The INVITE's outcome, once: frees the dialog for the next INVITE, then completes.</summary>
    private static void Finish(OutgoingInvite outgoing, SipResponse response)
    {
        lock (outgoing.Gate)
        {
            if (outgoing.Finished)
            {
                return;
            }
            outgoing.Finished = true;
        }
        ReleaseOutgoingInvite(outgoing);
        outgoing.Complete(response);
    }

    private static void ReleaseOutgoingInvite(OutgoingInvite outgoing)
    {
        if (outgoing.Dialog is { } dialog)
        {
            lock (dialog)
            {
                dialog.OutgoingInvitePending = false;
            }
        }
    }

    /// <summary>§9.1: same Request-URI, Call-ID, From, To, CSeq number and top Via as the INVITE.</summary>
    private void SendCancel(OutgoingInvite outgoing)
    {
        outgoing.CancelSent = true;
        var invite = outgoing.Request;
        var cancel = new SipRequest(SipMethods.Cancel, invite.RequestUri);
        cancel.Headers.Add(HeaderNames.Via, invite.Headers.GetValues(HeaderNames.Via)[0]);
        foreach (var route in invite.Headers.GetLines(HeaderNames.Route))
        {
            cancel.Headers.Add(HeaderNames.Route, route);
        }
        cancel.Headers.Add(HeaderNames.MaxForwards, "70");
        cancel.Headers.Add(HeaderNames.From, invite.Headers.Get(HeaderNames.From)!);
        cancel.Headers.Add(HeaderNames.To, invite.Headers.Get(HeaderNames.To)!);
        cancel.Headers.Add(HeaderNames.CallId, invite.CallId!);
        cancel.Headers.Add(HeaderNames.CSeq, new CSeqHeader(invite.CSeq!.Value.Number, SipMethods.Cancel).ToString());
        _layer.SendRequest(cancel, WhereItWent(outgoing.Request, outgoing.Transaction!.Peer));
    }

    private static SipRequest CloneForRetry(SipRequest request, uint seq)
    {
        var retry = new SipRequest(request.Method, request.RequestUri) { Body = request.Body };
        foreach (var header in request.Headers)
        {
            if (header.Name is HeaderNames.Via or HeaderNames.Authorization or HeaderNames.ProxyAuthorization)
            {
                continue;
            }
            if (header.Name == HeaderNames.CSeq)
            {
                retry.Headers.Add(HeaderNames.CSeq, new CSeqHeader(seq, request.Method).ToString());
                continue;
            }
            retry.Headers.Add(header.Name, header.Value);
        }
        return retry;
    }

    /// <summary>Where a sent INVITE really went: one meant for TCP by its size goes over UDP when the peer
    /// takes no TCP connection (RFC 3261 §18.1.1), and its CANCEL, ACK and dialog must follow it there.</summary>
    private static SipEndPoint WhereItWent(SipRequest request, SipEndPoint peer) =>
        peer.Transport == SipTransportKind.Tcp && string.Equals(request.TopVia?.Transport, "UDP", StringComparison.OrdinalIgnoreCase)
            ? peer with { Transport = SipTransportKind.Udp }
            : peer;
}
