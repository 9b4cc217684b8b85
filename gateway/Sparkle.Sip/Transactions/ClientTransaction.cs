using Sparkle.Sip.Messages;
using Sparkle.Sip.Transport;

namespace Sparkle.Sip.Transactions;

/// <summary>A client transaction as its user sees it: every response as it arrives, and the final one
/// as a task (a timeout or transport error completes it with a synthesized 408 or 503).</summary>
public abstract class ClientTransaction : SipTransaction
{
    private readonly TaskCompletionSource<SipResponse> _final = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private protected ClientTransaction(SipTransactionLayer layer, string key, SipRequest request, SipEndPoint destination)
        : base(layer, key, request, destination)
    {
    }

    public Task<SipResponse> FinalResponse => _final.Task;
    public bool ReceivedProvisional { get; private protected set; }

    /// <summary>Raised (off the lock) for each response passed to the user, provisional or final.</summary>
    public event Action<ClientTransaction, SipResponse>? ResponseReceived;

    internal abstract void Start();
    internal abstract void OnResponse(SipResponse response);

    /// <summary>The transport could not send the request (§8.1.3.1: treat as 503).</summary>
    internal void OnTransportError()
    {
        lock (Gate)
        {
            CompleteWith(Request.CreateResponse(503, "Service Unavailable (transport error)"));
            Terminate();
        }
    }

    private protected void CompleteWith(SipResponse response)
    {
        _final.TrySetResult(response);
    }

    private protected void PassUp(SipResponse response)
    {
        var handler = ResponseReceived;
        if (handler is not null)
        {
            ThreadPool.QueueUserWorkItem(_ => handler(this, response));
        }
    }

    private protected void TimeOut()
    {
        var timeout = Request.CreateResponse(408, "Request Timeout");
        CompleteWith(timeout);
        Terminate();
    }
}
