using Sparkle.Sip.Messages;

namespace Sparkle.Sip.Dialogs;

/// <summary>RFC 4028 session timer of one dialog: who refreshes and when the session dies without refresh.</summary>
internal sealed class SessionTimer
{
    public const int DefaultMinSE = 90;

    public required TimeSpan Interval { get; init; }
    /// <summary>"uac" or "uas", from the dialog's point of view of the INVITE that set it.</summary>
    public required string Refresher { get; init; }
    /// <summary>True when this UA must send the refreshes.</summary>
    public required bool WeRefresh { get; init; }
    public ITimer? Timer { get; set; }

    /// <summary>Reads "Session-Expires: 1800;refresher=uac". Null when absent or malformed.</summary>
    public static (int Seconds, string? Refresher)? Parse(SipMessage message)
    {
        var value = message.Headers.Get(HeaderNames.SessionExpires);
        if (value is null)
        {
            return null;
        }
        var semi = value.IndexOf(';');
        var delta = (semi >= 0 ? value[..semi] : value).Trim();
        if (!int.TryParse(delta, System.Globalization.NumberStyles.None, null, out var seconds) || seconds <= 0)
        {
            return null;
        }
        var parameters = semi >= 0 ? SipParameters.Parse(value[(semi + 1)..]) : new SipParameters();
        return (seconds, parameters["refresher"]?.ToLowerInvariant());
    }

    public static bool Supports(SipMessage message, string option) =>
        message.Headers.GetValues(HeaderNames.Supported).Concat(message.Headers.GetValues(HeaderNames.Require))
            .Any(o => o.Equals(option, StringComparison.OrdinalIgnoreCase));

    /// <summary>How long without refresh before the session is dead (RFC 4028 §10: interval minus
    /// the lesser of 32 s and a third of it).</summary>
    public TimeSpan ExpiryWithoutRefresh =>
        Interval - TimeSpan.FromTicks(Math.Min(TimeSpan.FromSeconds(32).Ticks, Interval.Ticks / 3));
}
