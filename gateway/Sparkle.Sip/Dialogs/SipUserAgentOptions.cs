namespace Sparkle.Sip.Dialogs;

public sealed class SipUserAgentOptions
{
    public string UserAgent { get; set; } = "Sparkle.Cloud";
    /// <summary>Methods listed in Allow.</summary>
    public IReadOnlyList<string> Allow { get; set; } =
        ["INVITE", "ACK", "CANCEL", "BYE", "OPTIONS", "REGISTER", "SUBSCRIBE", "NOTIFY", "REFER", "INFO", "UPDATE"];
    /// <summary>Option tags we understand in Require (RFC 3261 §8.2.2.3).</summary>
    public IReadOnlyList<string> Supported { get; set; } = ["timer", "norefersub"];
    /// <summary>How often an established call is probed with an in-dialog OPTIONS; a 408 or 481 means the
    /// peer vanished without BYE and the call ends. Null disables the probe.</summary>
    public TimeSpan? DialogKeepAlive { get; set; } = TimeSpan.FromMinutes(5);
    /// <summary>RFC 4028 Min-SE in seconds; smaller Session-Expires gets 422.</summary>
    public int MinSessionExpires { get; set; } = SessionTimer.DefaultMinSE;
}
