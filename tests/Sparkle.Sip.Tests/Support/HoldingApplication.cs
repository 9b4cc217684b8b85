using System.Collections.Concurrent;
using Sparkle.Sip.Dialogs;
using Sparkle.Sip.Messages;
using Sparkle.Sip.Transactions;

namespace Sparkle.Sip.Tests.Support;

/// <summary>An application that records everything and answers only when the test tells it to.</summary>
public sealed class HoldingApplication : ISipApplication
{
    public ConcurrentQueue<IncomingInvite> Invites { get; } = new();
    public ConcurrentQueue<IncomingInvite> ReInvites { get; } = new();
    public ConcurrentQueue<string> Events { get; } = new();
    public ConcurrentQueue<ServerTransaction> Requests { get; } = new();

    public Task OnInviteAsync(IncomingInvite invite)
    {
        Invites.Enqueue(invite);
        return Task.CompletedTask;
    }

    public Task OnReInviteAsync(IncomingInvite invite)
    {
        ReInvites.Enqueue(invite);
        return Task.CompletedTask;
    }

    public Task OnAckAsync(SipDialog dialog, SipRequest ack)
    {
        Events.Enqueue("ack");
        return Task.CompletedTask;
    }

    public Task OnCancelledAsync(IncomingInvite invite)
    {
        Events.Enqueue("cancelled");
        return Task.CompletedTask;
    }

    public Task OnDialogEndedAsync(SipDialog dialog, DialogEndReason reason)
    {
        Events.Enqueue("ended:" + reason);
        return Task.CompletedTask;
    }

    public Task OnRequestAsync(ServerTransaction transaction, SipDialog? dialog)
    {
        Requests.Enqueue(transaction);
        return Task.CompletedTask;
    }
}
