using System.Globalization;

namespace Sparkle.Media.Sdp;

/// <summary>An m= section: the media line, its c= line, and its attributes in order. Lines we do not
/// interpret (i=, b=, k=) are kept so a parsed description prints back unchanged.</summary>
public sealed class MediaDescription
{
    public MediaDescription(string media, int port, string protocol, IEnumerable<string> formats)
    {
        Media = media;
        Port = port;
        Protocol = protocol;
        Formats = [.. formats];
    }

    public string Media { get; set; }
    public int Port { get; set; }
    /// <summary>The "/2" of <c>m=audio 49170/2</c>; rare, kept for printing.</summary>
    public int? PortCount { get; set; }
    public string Protocol { get; set; }
    public List<string> Formats { get; }
    public string? Connection { get; set; }
    public List<string> OtherLines { get; } = [];
    public List<SdpAttribute> Attributes { get; } = [];

    public bool IsRejected => Port == 0;

    public IEnumerable<SdpAttribute> Find(string name) => Attributes.Where(a => a.Name.Equals(name, StringComparison.OrdinalIgnoreCase));

    public bool Has(string name) => Find(name).Any();

    /// <summary>The direction attribute of this section, or null when absent (the session's applies).</summary>
    public MediaDirection? Direction
    {
        get
        {
            foreach (var attribute in Attributes)
            {
                if (MediaDirections.FromAttribute(attribute.Name) is { } direction)
                {
                    return direction;
                }
            }
            return null;
        }
    }

    /// <summary>The rtpmap for a payload type: explicit, or the RFC 3551 static assignment.</summary>
    public RtpMap? GetRtpMap(int payloadType)
    {
        foreach (var attribute in Find("rtpmap"))
        {
            if (RtpMap.TryParse(attribute.Value, out var map) && map.PayloadType == payloadType)
            {
                return map;
            }
        }
        return RtpMap.Static(payloadType);
    }

    public string? GetFmtp(int payloadType)
    {
        var prefix = payloadType.ToString(CultureInfo.InvariantCulture) + " ";
        return Find("fmtp").FirstOrDefault(a => a.Value?.StartsWith(prefix, StringComparison.Ordinal) == true)?.Value?[prefix.Length..].Trim();
    }

    public void Write(System.Text.StringBuilder builder)
    {
        var port = PortCount is { } count ? $"{Port}/{count}" : Port.ToString(CultureInfo.InvariantCulture);
        builder.Append("m=").Append(Media).Append(' ').Append(port).Append(' ').Append(Protocol);
        foreach (var format in Formats)
        {
            builder.Append(' ').Append(format);
        }
        builder.Append("\r\n");
        foreach (var line in OtherLines.Where(l => l.StartsWith("i=", StringComparison.Ordinal)))
        {
            builder.Append(line).Append("\r\n");
        }
        if (Connection is not null)
        {
            builder.Append("c=").Append(Connection).Append("\r\n");
        }
        foreach (var line in OtherLines.Where(l => !l.StartsWith("i=", StringComparison.Ordinal)))
        {
            builder.Append(line).Append("\r\n");
        }
        foreach (var attribute in Attributes)
        {
            builder.Append("a=").Append(attribute.ToString()).Append("\r\n");
        }
    }
}
