using System.Collections.Concurrent;
using Sparkle.Sip.Messages;
using Sparkle.Sip.Transactions;
using Sparkle.Sip.Transport;

namespace Sparkle.Sip.Dialogs;

public sealed partial class SipUserAgent
{
    /// <summary>2xx responses the UAS core resends until their ACK (§13.3.1.4), by dialog id + CSeq.</summary>
    private readonly ConcurrentDictionary<string, PendingAck> _pendingAcks = new();

    private sealed class PendingAck
    {
        public required SipDialog Dialog { get; init; }
        public required SipResponse Response { get; init; }
        public ITimer? Retransmit { get; set; }
        public ITimer? GiveUp { get; set; }
        public TimeSpan Interval { get; set; }
    }

    internal SipDialog AcceptInvite(IncomingInvite invite, NameAddress contact, string? body, string contentType,
        Action<SipResponse>? customize, object? applicationState, Action<SipDialog>? dialogCreated)
    {
        var request = invite.Request;
        var response = request.CreateResponse(200, toTag: invite.LocalTag);
        foreach (var rr in request.Headers.GetLines(HeaderNames.RecordRoute))
        {
            response.Headers.Add(HeaderNames.RecordRoute, rr);
        }
        response.Headers.Add(HeaderNames.Contact, contact.ToString());
        response.Headers.Add(HeaderNames.Allow, string.Join(", ", Options.Allow));
        response.Headers.Add(HeaderNames.Supported, string.Join(", ", Options.Supported));
        if (body is not null)
        {
            response.Headers.Add(HeaderNames.ContentType, contentType);
            response.BodyText = body;
        }

        var dialog = invite.Dialog;
        if (dialog is null)
        {
            // §12.1.1: the UAS builds the dialog from the INVITE.
            var from = request.From!;
            var to = request.To!;
            to.Tag = invite.LocalTag;
            var routeSet = request.Headers.GetValues(HeaderNames.RecordRoute);
            dialog = new SipDialog(request.CallId!, to, from, request.Contact?.Uri ?? from.Uri, routeSet, isUas: true,
                invite.Transaction.Peer, localSeq: (uint)Random.Shared.Next(1, 1 << 20), remoteSeq: request.CSeq!.Value.Number)
            {
                LocalContact = contact,
                IsInviteDialog = true,
                KeepAliveDue = NextKeepAlive(),
                // §14.1: the INVITE transaction lasts until the ACK of its 2xx; no re-INVITE of ours before that.
                AwaitingFirstAck = true,
            };
            _dialogs[dialog.Id] = dialog;
        }
        dialog.LocalSdp = body ?? dialog.LocalSdp;
        dialog.ApplicationState = applicationState ?? dialog.ApplicationState;
        ApplySessionTimer(dialog, request, response);
        customize?.Invoke(response);
        dialogCreated?.Invoke(dialog);
        // Arm the retransmission before the 2xx leaves: a fast peer's ACK must find it.
        StartRetransmitting(dialog, response, request.CSeq!.Value.Number);
        invite.Transaction.Respond(response);
        return dialog;
    }

    internal void RejectInvite(IncomingInvite invite, int statusCode, string? reason, Action<SipResponse>? customize)
    {
        var response = invite.Request.CreateResponse(statusCode, reason, invite.LocalTag);
        customize?.Invoke(response);
        invite.Transaction.Respond(response);
        if (invite.IsReInvite && invite.Dialog is { } dialog)
        {
            lock (dialog)
            {
                dialog.IncomingInvitePending = false;
            }
        }
    }

    /// <summary>RFC 4028 §8: a Session-Expires below our Min-SE gets 422 with Min-SE. Returns false when rejected.</summary>
    private bool CheckSessionInterval(ServerTransaction transaction)
    {
        if (SessionTimer.Parse(transaction.Request) is { } se && se.Seconds < Options.MinSessionExpires)
        {
            Respond(transaction, 422, r => r.Headers.Add(HeaderNames.MinSE, Options.MinSessionExpires.ToString(System.Globalization.CultureInfo.InvariantCulture)));
            return false;
        }
        return true;
    }

    /// <summary>Puts Session-Expires in a 2xx to a refresh request and (re)starts the dialog's timer. The
    /// UAC refreshes when it supports timers (we then expect refreshes); otherwise we do (RFC 4028 §9).</summary>
    private void ApplySessionTimer(SipDialog dialog, SipRequest request, SipResponse response)
    {
        if (SessionTimer.Parse(request) is not { } se)
        {
            return;
        }
        var refresher = se.Refresher ?? (SessionTimer.Supports(request, "timer") ? "uac" : "uas");
        response.Headers.Set(HeaderNames.SessionExpires, $"{se.Seconds};refresher={refresher}");
        if (refresher == "uac")
        {
            response.Headers.Add(HeaderNames.Require, "timer");
        }
        StartSessionTimer(dialog, new SessionTimer
        {
            Interval = TimeSpan.FromSeconds(se.Seconds),
            Refresher = refresher,
            WeRefresh = refresher == "uas",
        });
    }

    /// <summary>Replaces the dialog's session timer: we refresh at half the interval, or end the call when the peer's
    /// refresh is overdue.</summary>
    private void StartSessionTimer(SipDialog dialog, SessionTimer timer)
    {
        lock (dialog)
        {
            if (dialog.State == DialogState.Terminated)
            {
                return;
            }
            dialog.SessionTimer?.Timer?.Dispose();
            dialog.SessionTimer = timer;
            var due = timer.WeRefresh ? timer.Interval / 2 : timer.ExpiryWithoutRefresh;
            timer.Timer = _layer.Time.CreateTimer(_ => OnSessionTimer(dialog, timer), null, due, Timeout.InfiniteTimeSpan);
        }
    }

    private void OnSessionTimer(SipDialog dialog, SessionTimer timer)
    {
        if (dialog.State == DialogState.Terminated || !ReferenceEquals(dialog.SessionTimer, timer))
        {
            return;
        }
        if (!timer.WeRefresh)
        {
            _ = SendByeAsync(dialog, DialogEndReason.SessionExpired);
            return;
        }
        _ = RefreshSessionAsync(dialog, timer);
    }

    /// <summary>We are the refresher: an UPDATE without a body refreshes the session (RFC 4028 §7.4).</summary>
    private async Task RefreshSessionAsync(SipDialog dialog, SessionTimer timer)
    {
        var update = dialog.CreateRequest(SipMethods.Update);
        update.Headers.Add(HeaderNames.SessionExpires, $"{(int)timer.Interval.TotalSeconds};refresher=uac");
        update.Headers.Add(HeaderNames.Supported, "timer");
        var response = await _layer.SendRequest(update, dialog.Peer).FinalResponse.ConfigureAwait(false);
        if (response.StatusCode is 408 or 481)
        {
            EndDialog(dialog, DialogEndReason.SessionExpired);
            return;
        }
        lock (dialog)
        {
            if (ReferenceEquals(dialog.SessionTimer, timer) && dialog.State != DialogState.Terminated)
            {
                timer.Timer?.Dispose();
                timer.Timer = _layer.Time.CreateTimer(_ => OnSessionTimer(dialog, timer), null, timer.Interval / 2, Timeout.InfiniteTimeSpan);
            }
        }
    }

    private static string AckKey(SipDialog dialog, uint cseq) => $"{dialog.Id}|{cseq}";

    /// <summary>§13.3.1.4: resend the 2xx at T1, doubling up to T2, until the ACK; after 64*T1 give up and BYE.</summary>
    private void StartRetransmitting(SipDialog dialog, SipResponse response, uint cseq)
    {
        var key = AckKey(dialog, cseq);
        var pending = new PendingAck { Dialog = dialog, Response = response, Interval = _layer.Timers.T1 };
        if (!_pendingAcks.TryAdd(key, pending))
        {
            return;
        }
        lock (pending)
        {
            if (!dialog.Peer.Transport.IsReliable())
            {
                pending.Retransmit = _layer.Time.CreateTimer(_ => Retransmit(key), null, pending.Interval, Timeout.InfiniteTimeSpan);
            }
            pending.GiveUp = _layer.Time.CreateTimer(_ => AckTimedOut(key), null, _layer.Timers.SixtyFourT1, Timeout.InfiniteTimeSpan);
        }
    }

    private void Retransmit(string key)
    {
        if (!_pendingAcks.TryGetValue(key, out var pending))
        {
            return;
        }
        lock (pending)
        {
            if (!_pendingAcks.ContainsKey(key))
            {
                return;
            }
            _layer.SendStateless(pending.Response, pending.Dialog.Peer);
            pending.Interval = TimeSpan.FromTicks(Math.Min(pending.Interval.Ticks * 2, _layer.Timers.T2.Ticks));
            pending.Retransmit?.Dispose();
            pending.Retransmit = _layer.Time.CreateTimer(_ => Retransmit(key), null, pending.Interval, Timeout.InfiniteTimeSpan);
        }
    }

    private void AckTimedOut(string key)
    {
        if (!_pendingAcks.TryRemove(key, out var pending))
        {
            return;
        }
        Dispose(pending);
        _ = SendByeAsync(pending.Dialog, DialogEndReason.AckTimeout);
    }

    /// <summary>Returns true for the first ACK of a pending 2xx.</summary>
    private bool StopRetransmitting(SipDialog dialog, uint cseq)
    {
        if (!_pendingAcks.TryRemove(AckKey(dialog, cseq), out var pending))
        {
            return false;
        }
        Dispose(pending);
        return true;
    }

    private void StopAllRetransmissions(SipDialog dialog)
    {
        foreach (var (key, pending) in _pendingAcks)
        {
            if (pending.Dialog == dialog && _pendingAcks.TryRemove(key, out _))
            {
                Dispose(pending);
            }
        }
    }

    private static void Dispose(PendingAck pending)
    {
        lock (pending)
        {
            pending.Retransmit?.Dispose();
            pending.GiveUp?.Dispose();
        }
    }
}
