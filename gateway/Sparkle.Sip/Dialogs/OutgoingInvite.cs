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
    internal bool Finished { get; set; }
    internal object Gate => _gate;

    /// <summary>For an offerless INVITE: the answer to send in the ACK (RFC 3264 §4), as application/sdp.</summary>
    public string? AckBody { get; set; }

    /// <summary>Attached to the dialog as soon as a 2xx creates it.</summary>
    public object? ApplicationState { get; set; }

    /// <summary>The dialog once a 2xx arrived.</summary>
    public SipDialog? Dialog { get; internal set; }
    public Task<SipResponse> FinalResponse => _final.Task;

    private Action<SipResponse>? _provisional;
    private SipResponse? _lastProvisional;

    /// <summary>Each provisional response (180 Ringing, 183...). A late subscriber first gets the last one
    /// already received, so a fast 180 is not lost between Invite() and the subscription.</summary>
    public event Action<SipResponse>? Provisional
    {
        add
        {
            SipResponse? replay;
            lock (_gate)
            {
                _provisional += value;
                replay = _lastProvisional;
            }
            if (replay is not null)
            {
                value?.Invoke(replay);
            }
        }
        remove
        {
            lock (_gate)
            {
                _provisional -= value;
            }
        }
    }

    internal void RaiseProvisional(SipResponse response)
    {
        Action<SipResponse>? handlers;
        lock (_gate)
        {
            _lastProvisional = response;
            handlers = _provisional;
        }
        handlers?.Invoke(response);
    }

    internal void Complete(SipResponse response) => _final.TrySetResult(response);
}
