using System.Diagnostics.CodeAnalysis;
using System.Net;

namespace Sparkle.Sip.Transport;

/// <summary>A transport plus an address: where a message came from or goes to. On TCP/TLS it also names
/// the connection (flow) to reuse.</summary>
public readonly record struct SipEndPoint(SipTransportKind Transport, IPEndPoint Address)
{
    public override string ToString() => $"{Transport.ToVia().ToLowerInvariant()}:{Address}";

    /// <summary>Parses "udp:1.2.3.4:5060" (the form <see cref="ToString"/> writes).</summary>
    public static bool TryParse(string? text, [NotNullWhen(true)] out SipEndPoint? endPoint)
    {
        endPoint = null;
        var colon = text?.IndexOf(':') ?? -1;
        if (colon <= 0 || !SipTransportKinds.TryParse(text![..colon], out var kind)
            || !IPEndPoint.TryParse(text[(colon + 1)..], out var address))
        {
            return false;
        }
        endPoint = new SipEndPoint(kind, address);
        return true;
    }
}
