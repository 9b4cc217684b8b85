using System.Globalization;

namespace Sparkle.Media.Sdp;

/// <summary><c>a=rtpmap:&lt;pt&gt; &lt;encoding&gt;/&lt;clock&gt;[/&lt;channels&gt;]</c>.</summary>
public sealed record RtpMap(int PayloadType, string Encoding, int ClockRate, int Channels = 1)
{
    public static bool TryParse(string? value, out RtpMap map)
    {
        map = null!;
        if (value is null)
        {
            return false;
        }
        var space = value.IndexOf(' ');
        if (space <= 0 || !int.TryParse(value.AsSpan(0, space), NumberStyles.None, CultureInfo.InvariantCulture, out var pt) || pt > 127)
        {
            return false;
        }
        var parts = value[(space + 1)..].Trim().Split('/');
        if (parts.Length < 2 || parts[0].Length == 0
            || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var clock) || clock <= 0)
        {
            return false;
        }
        var channels = 1;
        if (parts.Length > 2 && (!int.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out channels) || channels <= 0))
        {
            return false;
        }
        map = new RtpMap(pt, parts[0], clock, channels);
        return true;
    }

    /// <summary>RFC 3551's static audio payload types the worker knows.</summary>
    public static RtpMap? Static(int payloadType) => payloadType switch
    {
        0 => new RtpMap(0, "PCMU", 8000),
        8 => new RtpMap(8, "PCMA", 8000),
        9 => new RtpMap(9, "G722", 8000),
        13 => new RtpMap(13, "CN", 8000),
        _ => null,
    };

    public override string ToString() => Channels == 1
        ? string.Create(CultureInfo.InvariantCulture, $"{PayloadType} {Encoding}/{ClockRate}")
        : string.Create(CultureInfo.InvariantCulture, $"{PayloadType} {Encoding}/{ClockRate}/{Channels}");
}
