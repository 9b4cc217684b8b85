using Sparkle.Sip.Messages;
using Sparkle.Sip.Transactions;

namespace Sparkle.Sip.Dialogs;

/// <summary>An INVITE (initial or re-INVITE) waiting for the application's answer. Exactly one final
/// answer wins; answers after a CANCEL or a BYE are ignored.</summary>
public sealed class IncomingInvite
{
    private readonly SipUserAgent _agent;
    private readonly CancellationTokenSource _cancelled = new();
    private readonly object _gate = new();
    private bool _answered;

    internal IncomingInvite(SipUserAgent agent, InviteServerTransaction transaction, SipDialog? dialog, string localTag)
    {
        _agent = agent;
        Transaction = transaction;
        Dialog = dialog;
        LocalTag = localTag;
    }

    public InviteServerTransaction Transaction { get; }
    public SipRequest Request => Transaction.Request;
    /// <summary>The dialog: the existing one for a re-INVITE, the new one once an initial INVITE is accepted.</summary>
    public SipDialog? Dialog { get; private set; }
    public bool IsReInvite { get; init; }
    public string LocalTag { get; }
    /// <summary>Signalled when a CANCEL (or BYE) ends the INVITE before it was answered.</summary>
    public CancellationToken Cancelled => _cancelled.Token;
    public bool IsAnswered
    {
        get
        {
            lock (_gate)
            {
                return _answered;
            }
        }
    }

    public void SendProvisional(int statusCode = 180, Action<SipResponse>? customize = null)
    {
        lock (_gate)
        {
            if (_answered)
            {
                return;
            }
            var response = Request.CreateResponse(statusCode, toTag: LocalTag);
            customize?.Invoke(response);
            Transaction.Respond(response);
        }
    }

    /// <summary>Answers 200 OK with the given Contact and body; the core resends it until the ACK.
    /// <paramref name="applicationState"/> is attached to the dialog before the 200 leaves, so requests
    /// racing the answer find it, and <paramref name="dialogCreated"/> sees the dialog before the 200 leaves, so that
    /// whoever acts on the call the moment the peer has the 200 (a hang-up, a re-INVITE) finds it. Returns the dialog,
    /// or null when already answered or cancelled.</summary>
    public SipDialog? Accept(NameAddress contact, string? body, string contentType = "application/sdp",
        Action<SipResponse>? customize = null, object? applicationState = null, Action<SipDialog>? dialogCreated = null)
    {
        lock (_gate)
        {
            if (_answered)
            {
                return null;
            }
            _answered = true;
            Dialog = _agent.AcceptInvite(this, contact, body, contentType, customize, applicationState, dialogCreated);
            return Dialog;
        }
    }

    /// <summary>Answers with a final error status. Returns false when already answered.</summary>
    public bool Reject(int statusCode, string? reason = null, Action<SipResponse>? customize = null)
    {
        lock (_gate)
        {
            if (_answered)
            {
                return false;
            }
            _answered = true;
            _agent.RejectInvite(this, statusCode, reason, customize);
            return true;
        }
    }

    /// <summary>CANCEL or BYE: answers 487 if still unanswered; returns whether it did.</summary>
    internal bool Terminate()
    {
        lock (_gate)
        {
            if (_answered)
            {
                return false;
            }
            _answered = true;
            _agent.RejectInvite(this, 487, null, null);
        }
        _cancelled.Cancel();
        return true;
    }
}
