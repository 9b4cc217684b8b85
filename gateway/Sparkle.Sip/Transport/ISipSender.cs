using Sparkle.Sip.Messages;

namespace Sparkle.Sip.Transport;

/// <summary>What the transaction layer needs from the transports; tests substitute a recorder.</summary>
public interface ISipSender
{
    /// <summary>Chooses the actual transport for a request and writes our Via sent-by into it.</summary>
    SipEndPoint PrepareRequest(SipRequest request, SipEndPoint destination);
    Task SendAsync(SipMessage message, SipEndPoint destination);
    Task SendResponseAsync(SipResponse response, SipEndPoint requestSource);
}
