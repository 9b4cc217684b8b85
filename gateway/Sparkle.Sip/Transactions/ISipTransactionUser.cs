using Sparkle.Sip.Messages;
using Sparkle.Sip.Transport;

namespace Sparkle.Sip.Transactions;

/// <summary>The layer above the transactions: the UA core. Callbacks run on the receiving thread and must
/// not block; long work goes async.</summary>
public interface ISipTransactionUser
{
    /// <summary>A new request (any method but ACK) with its server transaction.</summary>
    void OnRequest(ServerTransaction transaction);

    /// <summary>An ACK no transaction absorbed: the ACK for a 2xx (dialog level).</summary>
    void OnAck(SipInbound ack);

    /// <summary>A response no client transaction matched (e.g. a 2xx retransmitted after Timer M).</summary>
    void OnStrayResponse(SipInbound response);
}
