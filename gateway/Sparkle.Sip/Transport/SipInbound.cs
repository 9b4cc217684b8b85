using Sparkle.Sip.Messages;

namespace Sparkle.Sip.Transport;

/// <summary>A parsed message and where it came from.</summary>
public sealed record SipInbound(SipMessage Message, SipEndPoint Remote, SipEndPoint Local);

/// <summary>The layer above the transports (the transaction layer) receives every valid message here.</summary>
public interface ISipMessageSink
{
    void OnMessage(SipInbound inbound);
}
