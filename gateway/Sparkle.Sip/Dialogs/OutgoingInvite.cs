using Sparkle.Sip.Messages;
using Sparkle.Sip.Transactions;

namespace Sparkle.Sip.Dialogs;

/// <summary>An INVITE we sent (dial-out, or a re-INVITE): provisional responses as they come, the final
/// outcome as a task, and CANCEL.</summary>
public sealed class OutgoingInvite
{
    private readonly TaskCompletionSource<SipResponse> _final = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly object _gate = new();

    internal OutgoingInvite(SipRequest request) => Request = request;

    /// <summary>The INVITE currently in flight (changes when a challenge is answered).</summary>
    public SipRequest Request { get; internal set; }
    internal ClientTransaction? Transaction { get; set; }
    internal bool CancelRequested { get; set; }
    internal bool CancelSent { get; set; }
    internal bool AuthAttempted { get; set; }
    internal object Gate => _gate;

    /// <summary>Attached to the dialog as soon as a 2xx creates it.</summary>
    public object? ApplicationState { get; set; }

    /// <summary>The dialog once a 2xx arrived.</summary>
    public SipDialog? Dialog { get; internal set; }
    public Task<SipResponse> FinalResponse => _final.Task;

    /// <summary>Each provisional response (180 Ringing, 183...).</summary>
    public event Action<SipResponse>? Provisional;

    internal void RaiseProvisional(SipResponse response) => Provisional?.Invoke(response);

    internal void Complete(SipResponse response) => _final.TrySetResult(response);
}
