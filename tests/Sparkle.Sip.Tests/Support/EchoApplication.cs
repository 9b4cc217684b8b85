using Sparkle.Sip.Dialogs;
using Sparkle.Sip.Messages;
using Sparkle.Sip.Transactions;

namespace Sparkle.Sip.Tests.Support;

/// <summary>A minimal application: 200 to any non-INVITE request, INVITEs answered with a fixed body.</summary>
public sealed class EchoApplication : ISipApplication
{
    public int InviteAnswer { get; set; } = 200;
    public List<string> Events { get; } = [];

    public Task OnInviteAsync(IncomingInvite invite)
    {
        Record("invite");
        if (InviteAnswer == 200)
        {
            invite.Accept(new NameAddress(SipUri.Parse("sip:conf@127.0.0.1")), "v=0\r\n");
        }
        else if (InviteAnswer > 0)
        {
            invite.Reject(InviteAnswer);
        }
        return Task.CompletedTask;
    }

    public Task OnReInviteAsync(IncomingInvite invite)
    {
        Record("reinvite");
        invite.Accept(new NameAddress(SipUri.Parse("sip:conf@127.0.0.1")), "v=0\r\n");
        return Task.CompletedTask;
    }

    public Task OnAckAsync(SipDialog dialog, SipRequest ack)
    {
        Record("ack");
        return Task.CompletedTask;
    }

    public Task OnCancelledAsync(IncomingInvite invite)
    {
        Record("cancelled");
        return Task.CompletedTask;
    }

    public Task OnDialogEndedAsync(SipDialog dialog, DialogEndReason reason)
    {
        Record("ended:" + reason);
        return Task.CompletedTask;
    }

    public Task OnRequestAsync(ServerTransaction transaction, SipDialog? dialog)
    {
        Record(transaction.Request.Method);
        transaction.Respond(transaction.Request.CreateResponse(200, toTag: transaction.Request.ToTag is null ? "echo" : null));
        return Task.CompletedTask;
    }

    private void Record(string e)
    {
        lock (Events)
        {
            Events.Add(e);
        }
    }
}
