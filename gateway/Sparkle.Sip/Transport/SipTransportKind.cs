namespace Sparkle.Sip.Transport;

public enum SipTransportKind
{
    Udp,
    Tcp,
    Tls,
}

public static class SipTransportKinds
{
    public static bool IsReliable(this SipTransportKind kind) => kind != SipTransportKind.Udp;

    /// <summary>The Via transport token.</summary>
    public static string ToVia(this SipTransportKind kind) => kind switch
    {
        SipTransportKind.Udp => "UDP",
        SipTransportKind.Tcp => "TCP",
        _ => "TLS",
    };

    public static bool TryParse(string? text, out SipTransportKind kind)
    {
        switch (text?.ToUpperInvariant())
        {
            case "UDP":
                kind = SipTransportKind.Udp;
                return true;
            case "TCP":
                kind = SipTransportKind.Tcp;
                return true;
            case "TLS":
                kind = SipTransportKind.Tls;
                return true;
            default:
                kind = SipTransportKind.Udp;
                return false;
        }
    }
}
