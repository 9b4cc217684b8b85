using Sparkle.Sip.Messages;
using Sparkle.Sip.Transactions;

namespace Sparkle.Sip.Dialogs;

public enum DialogEndReason
{
    /// <summary>The peer sent BYE.</summary>
    RemoteBye,
    /// <summary>Our 2xx was never ACKed within 64*T1 (§13.3.1.4): the core sent BYE.</summary>
    AckTimeout,
    /// <summary>No session refresh arrived in time (RFC 4028 §10): the core sent BYE.</summary>
    SessionExpired,
    /// <summary>The keep-alive OPTIONS got 408 or 481: the peer is gone; the core sent BYE.</summary>
    PeerGone,
}

/// <summary>What the application above the UA core (the conference focus, the registrar) decides.
/// The core has already applied RFC 3261 checks (481, 500, 491, 416, 420, 422, 501) before calling.</summary>
public interface ISipApplication
{
    /// <summary>A new INVITE outside any dialog. Answer with invite.Accept/Reject (may take time; the
    /// transaction sends 100 Trying after 200 ms).</summary>
    Task OnInviteAsync(IncomingInvite invite);

    /// <summary>A re-INVITE (hold, resume, session refresh with SDP) on an established dialog.</summary>
    Task OnReInviteAsync(IncomingInvite invite);

    /// <summary>The ACK for our 2xx; carries the answer when the INVITE had no offer.</summary>
    Task OnAckAsync(SipDialog dialog, SipRequest ack);

    /// <summary>A CANCEL ended a pending INVITE; the core has already answered 487.</summary>
    Task OnCancelledAsync(IncomingInvite invite);

    /// <summary>The dialog ended (BYE from either side, ACK timeout, session expiry).</summary>
    Task OnDialogEndedAsync(SipDialog dialog, DialogEndReason reason);

    /// <summary>Any other request (OPTIONS, REGISTER, SUBSCRIBE, NOTIFY, REFER, INFO, MESSAGE...).
    /// <paramref name="dialog"/> is set for in-dialog requests. The application must respond.</summary>
    Task OnRequestAsync(ServerTransaction transaction, SipDialog? dialog);
}
