using Sparkle.Sip.Messages;
using Sparkle.Sip.Transactions;

namespace Sparkle.Sip.Dialogs;

public sealed partial class SipUserAgent
{
    /// <summary>Answers a dialog-creating non-INVITE request (SUBSCRIBE, REFER; RFC 6665 §4.1) with a 2xx
    /// carrying a new To tag and our Contact, and returns the dialog for the NOTIFYs that follow.</summary>
    public SipDialog AcceptDialogRequest(ServerTransaction transaction, int statusCode, NameAddress contact,
        Action<SipResponse>? customize = null)
    {
        var request = transaction.Request;
        var localTag = NewTag();
        var response = request.CreateResponse(statusCode, toTag: localTag);
        foreach (var rr in request.Headers.GetLines(HeaderNames.RecordRoute))
        {
            response.Headers.Add(HeaderNames.RecordRoute, rr);
        }
        response.Headers.Add(HeaderNames.Contact, contact.ToString());
        var to = request.To!;
        to.Tag = localTag;
        var from = request.From!;
        var dialog = new SipDialog(request.CallId!, to, from, request.Contact?.Uri ?? from.Uri,
            request.Headers.GetValues(HeaderNames.RecordRoute), isUas: true, transaction.Peer,
            localSeq: (uint)Random.Shared.Next(1, 1 << 20), remoteSeq: request.CSeq!.Value.Number)
        {
            LocalContact = contact,
        };
        _dialogs[dialog.Id] = dialog;
        customize?.Invoke(response);
        transaction.Respond(response);
        return dialog;
    }

    /// <summary>Forgets a dialog without sending anything (a subscription that ended by NOTIFY).</summary>
    public void ForgetDialog(SipDialog dialog) => EndDialog(dialog, DialogEndReason.RemoteBye, notify: false);
}
