using Sparkle.Sip.Messages;
using Sparkle.Sip.Transport;

namespace Sparkle.Sip.Transactions;

/// <summary>A server transaction as the transaction user sees it: the request, and a way to answer.</summary>
public abstract class ServerTransaction : SipTransaction
{
    private protected ServerTransaction(SipTransactionLayer layer, string key, SipInbound inbound)
        : base(layer, key, (SipRequest)inbound.Message, inbound.Remote)
    {
        Local = inbound.Local;
    }

    public SipEndPoint Local { get; }
    public SipResponse? LastResponse { get; private protected set; }
    public bool HasFinalResponse => LastResponse is { StatusCode: >= 200 };

    /// <summary>Sends a response through the state machine. Responses the state no longer allows are ignored.</summary>
    public abstract void Respond(SipResponse response);

    /// <summary>A retransmission of the request arrived.</summary>
    internal abstract void OnRetransmission();

    private protected void SendResponse(SipResponse response) => Layer.SendResponse(response, Peer);
}
