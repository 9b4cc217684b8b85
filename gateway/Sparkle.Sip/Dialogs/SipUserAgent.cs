using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Sparkle.Sip.Messages;
using Sparkle.Sip.Transactions;
using Sparkle.Sip.Transport;

namespace Sparkle.Sip.Dialogs;

/// <summary>The UA core (RFC 3261 §8, §12-§15): request checks, dialogs, CANCEL, re-INVITE rules, the UAS
/// 2xx retransmission, RFC 4028 session timers, and the UAC side (INVITE with ACK, in-dialog requests).
/// Decisions about what to answer belong to the <see cref="ISipApplication"/>.</summary>
public sealed partial class SipUserAgent : ISipTransactionUser
{
    private readonly SipTransactionLayer _layer;
    private readonly ConcurrentDictionary<string, SipDialog> _dialogs = new();
    private readonly ConcurrentDictionary<InviteServerTransaction, IncomingInvite> _pendingInvites = new();
    private readonly ILogger _logger;
    private ISipApplication? _application;

    public SipUserAgent(SipTransactionLayer layer, SipUserAgentOptions? options = null, ILogger<SipUserAgent>? logger = null)
    {
        _layer = layer;
        Options = options ?? new SipUserAgentOptions();
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        layer.User = this;
        if (Options.DialogKeepAlive is { } every)
        {
            // Each dialog is probed once it is `every` old (and every `every` after): checked ten times per period,
            // so short calls are never probed and long ones are not all probed in the same instant.
            var tick = every / 10 > TimeSpan.FromSeconds(1) ? every / 10 : every;
            _keepAlive = layer.Time.CreateTimer(_ => ProbeDialogs(), null, tick, tick);
        }
    }

    private readonly ITimer? _keepAlive;

    public SipUserAgentOptions Options { get; }
    public SipTransactionLayer Transactions => _layer;
    public int DialogCount => _dialogs.Count;

    public void SetApplication(ISipApplication application) => _application = application;

    public SipDialog? FindDialog(string callId, string localTag, string remoteTag) =>
        _dialogs.TryGetValue(SipDialog.Key(callId, localTag, remoteTag), out var d) ? d : null;

    public static string NewTag() => Guid.NewGuid().ToString("N")[..12];

    public static string NewCallId() => Guid.NewGuid().ToString("N");

    void ISipTransactionUser.OnRequest(ServerTransaction transaction)
    {
        try
        {
            Dispatch(transaction);
        }
        catch (Exception ex)
        {
            _logger.LogError(ex, "UA core failed on {Method}", transaction.Request.Method);
            RespondIfOpen(transaction, 500);
        }
    }

    private void Dispatch(ServerTransaction transaction)
    {
        var request = transaction.Request;
        if (!SipMethods.Known.Contains(request.Method))
        {
            Respond(transaction, 501, r => r.Headers.Add(HeaderNames.Allow, string.Join(", ", Options.Allow)));
            return;
        }
        if (!request.RequestUri.IsSip)
        {
            Respond(transaction, 416);
            return;
        }
        if (request.MaxForwards == 0 && request.Method != SipMethods.Options)
        {
            Respond(transaction, 483);
            return;
        }
        var unsupported = request.Headers.GetValues(HeaderNames.Require)
            .Where(o => !Options.Supported.Contains(o, StringComparer.OrdinalIgnoreCase)).ToList();
        if (unsupported.Count > 0 && request.Method != SipMethods.Cancel)
        {
            Respond(transaction, 420, r => r.Headers.Add(HeaderNames.Unsupported, string.Join(", ", unsupported)));
            return;
        }
        if (request.ToTag is { } toTag)
        {
            DispatchInDialog(transaction, toTag);
            return;
        }
        if (request.Method != SipMethods.Cancel && IsMerged(transaction))
        {
            // §8.2.2.2: the same request reached us twice by different paths (forked, looped).
            Respond(transaction, 482);
            return;
        }
        switch (request.Method)
        {
            case SipMethods.Cancel:
                HandleCancel(transaction);
                return;
            case SipMethods.Bye:
            case SipMethods.Prack:
            case SipMethods.Update:
                Respond(transaction, 481);
                return;
            case SipMethods.Invite when transaction is InviteServerTransaction ist:
                if (!CheckSessionInterval(transaction))
                {
                    return;
                }
                var invite = new IncomingInvite(this, ist, null, NewTag());
                _pendingInvites[ist] = invite;
                ist.Terminated += t => _pendingInvites.TryRemove((InviteServerTransaction)t, out _);
                RunApplication(transaction, app => app.OnInviteAsync(invite));
                return;
            default:
                RunApplication(transaction, app => app.OnRequestAsync(transaction, null));
                return;
        }
    }

    private void DispatchInDialog(ServerTransaction transaction, string toTag)
    {
        var request = transaction.Request;
        var dialog = FindDialog(request.CallId ?? "", toTag, request.FromTag ?? "");
        if (dialog is null || dialog.State == DialogState.Terminated)
        {
            if (request.Method == SipMethods.Notify)
            {
                // A NOTIFY may arrive before (or instead of) the SUBSCRIBE's 2xx (RFC 6665 §4.1.2.4):
                // the application owns subscriptions and decides.
                RunApplication(transaction, app => app.OnRequestAsync(transaction, null));
                return;
            }
            Respond(transaction, 481);
            return;
        }
        if (request.Method != SipMethods.Cancel && !dialog.AcceptRemoteCSeq(request.CSeq!.Value.Number))
        {
            Respond(transaction, 500, r => r.Headers.Add(HeaderNames.Warning, "399 sparkle \"CSeq out of order\""));
            return;
        }
        // A target refresh request may update the remote target (§12.2.2).
        if (request.Method is SipMethods.Invite or SipMethods.Update && request.Contact is { } contact)
        {
            dialog.RemoteTarget = contact.Uri;
        }
        switch (request.Method)
        {
            case SipMethods.Bye:
                Respond(transaction, 200);
                foreach (var pending in _pendingInvites.Values.Where(p => p.Dialog == dialog))
                {
                    pending.Terminate();
                }
                EndDialog(dialog, DialogEndReason.RemoteBye);
                return;
            case SipMethods.Cancel:
                HandleCancel(transaction);
                return;
            case SipMethods.Invite when transaction is InviteServerTransaction ist:
                HandleReInvite(ist, dialog);
                return;
            case SipMethods.Update when request.Body.Length == 0:
                // A session refresh without an offer (RFC 4028 §7.4 via UPDATE).
                if (!CheckSessionInterval(transaction))
                {
                    return;
                }
                Respond(transaction, 200, r => ApplySessionTimer(dialog, request, r));
                return;
            default:
                RunApplication(transaction, app => app.OnRequestAsync(transaction, dialog));
                return;
        }
    }

    private void HandleReInvite(InviteServerTransaction transaction, SipDialog dialog)
    {
        lock (dialog)
        {
            if (dialog.OutgoingInvitePending)
            {
                // Glare (§14.1): both sides sent a re-INVITE.
                Respond(transaction, 491);
                return;
            }
            if (dialog.IncomingInvitePending)
            {
                // §14.2: a second INVITE while one is pending: 500 with Retry-After.
                Respond(transaction, 500, r => r.Headers.Add(HeaderNames.RetryAfter, "2"));
                return;
            }
            if (!CheckSessionInterval(transaction))
            {
                return;
            }
            dialog.IncomingInvitePending = true;
        }
        var invite = new IncomingInvite(this, transaction, dialog, dialog.LocalTag) { IsReInvite = true };
        _pendingInvites[transaction] = invite;
        transaction.Terminated += t =>
        {
            _pendingInvites.TryRemove((InviteServerTransaction)t, out _);
            lock (dialog)
            {
                dialog.IncomingInvitePending = false;
            }
        };
        RunApplication(transaction, app => app.OnReInviteAsync(invite));
    }

    /// <summary>§9.2: 200 to the CANCEL, 487 to the INVITE if still unanswered; 481 when nothing matches.</summary>
    private void HandleCancel(ServerTransaction transaction)
    {
        var invite = _layer.FindInviteFor(transaction.Request);
        if (invite is null)
        {
            Respond(transaction, 481);
            return;
        }
        Respond(transaction, 200);
        if (_pendingInvites.TryGetValue(invite, out var pending) && pending.Terminate())
        {
            RunApplication(null, app => app.OnCancelledAsync(pending));
        }
    }

    /// <summary>Out-of-dialog requests in progress by Call-ID, From tag, CSeq and method, with their branch.</summary>
    private readonly ConcurrentDictionary<string, string> _inProgress = new();

    private bool IsMerged(ServerTransaction transaction)
    {
        var request = transaction.Request;
        var key = $"{request.CallId}|{request.FromTag}|{request.CSeq!.Value}";
        var branch = request.TopVia?.Branch ?? "";
        var owner = _inProgress.GetOrAdd(key, branch);
        if (owner != branch)
        {
            return true;
        }
        transaction.Terminated += _ => _inProgress.TryRemove(new KeyValuePair<string, string>(key, branch));
        return false;
    }

    void ISipTransactionUser.OnAck(SipInbound inbound)
    {
        var ack = (SipRequest)inbound.Message;
        var dialog = FindDialog(ack.CallId ?? "", ack.ToTag ?? "", ack.FromTag ?? "");
        if (dialog is null)
        {
            return;
        }
        if (StopRetransmitting(dialog, ack.CSeq?.Number ?? 0))
        {
            lock (dialog)
            {
                dialog.IncomingInvitePending = false;
                dialog.AwaitingFirstAck = false;
            }
            RunApplication(null, app => app.OnAckAsync(dialog, ack));
        }
    }

    /// <summary>Ends a dialog we or the peer closed: forgets it and stops its timers.</summary>
    private void EndDialog(SipDialog dialog, DialogEndReason reason, bool notify = true)
    {
        lock (dialog)
        {
            if (dialog.State == DialogState.Terminated)
            {
                return;
            }
            dialog.State = DialogState.Terminated;
            dialog.SessionTimer?.Timer?.Dispose();
        }
        _dialogs.TryRemove(dialog.Id, out _);
        StopAllRetransmissions(dialog);
        if (notify)
        {
            RunApplication(null, app => app.OnDialogEndedAsync(dialog, reason));
        }
    }

    private void RunApplication(ServerTransaction? transaction, Func<ISipApplication, Task> call)
    {
        var app = _application;
        if (app is null)
        {
            if (transaction is not null)
            {
                RespondIfOpen(transaction, 503);
            }
            return;
        }
        _ = Task.Run(async () =>
        {
            try
            {
                await call(app).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                _logger.LogError(ex, "Application failed on {Method}", transaction?.Request.Method ?? "event");
                if (transaction is not null)
                {
                    if (transaction is InviteServerTransaction ist && _pendingInvites.TryGetValue(ist, out var pending))
                    {
                        pending.Reject(500);
                    }
                    else
                    {
                        RespondIfOpen(transaction, 500);
                    }
                }
            }
        });
    }

    private static void Respond(ServerTransaction transaction, int status, Action<SipResponse>? customize = null)
    {
        var response = transaction.Request.CreateResponse(status, toTag: transaction.Request.ToTag is null ? NewTag() : null);
        customize?.Invoke(response);
        transaction.Respond(response);
    }

    private static void RespondIfOpen(ServerTransaction transaction, int status)
    {
        if (!transaction.HasFinalResponse)
        {
            Respond(transaction, status);
        }
    }
}
