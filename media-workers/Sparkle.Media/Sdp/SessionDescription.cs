using System.Globalization;
using System.Text;

namespace Sparkle.Media.Sdp;

/// <summary>An SDP session description (RFC 8866) as the worker reads and writes it: session-level
/// lines, then m= sections in order. Parsing is forgiving about line endings and unknown lines but
/// refuses what would make offer/answer meaningless (no v=, bad m= line).</summary>
public sealed class SessionDescription
{
    public string Origin { get; set; } = "- 0 0 IN IP4 0.0.0.0";
    public string SessionName { get; set; } = "-";
    public string? Connection { get; set; }
    public string Timing { get; set; } = "0 0";
    public List<string> OtherLines { get; } = [];
    public List<SdpAttribute> Attributes { get; } = [];
    public List<MediaDescription> Media { get; } = [];

    public static bool TryParse(string? text, out SessionDescription description, out string? error)
    {
        description = new SessionDescription();
        error = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            error = "empty SDP";
            return false;
        }
        MediaDescription? current = null;
        var sawVersion = false;
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.TrimEnd('\r', ' ');
            if (line.Length == 0)
            {
                continue;
            }
            if (line.Length < 2 || line[1] != '=')
            {
                error = $"malformed line '{Truncate(line)}'";
                return false;
            }
            var type = line[0];
            var value = line[2..];
            switch (type)
            {
                case 'v':
                    sawVersion = value == "0";
                    break;
                case 'm':
                    if (!TryParseMediaLine(value, out current))
                    {
                        error = $"malformed media line '{Truncate(line)}'";
                        return false;
                    }
                    description.Media.Add(current);
                    break;
                case 'c' when current is not null:
                    current.Connection = value;
                    break;
                case 'c':
                    description.Connection = value;
                    break;
                case 'a' when current is not null:
                    current.Attributes.Add(SdpAttribute.Parse(value));
                    break;
                case 'a':
                    description.Attributes.Add(SdpAttribute.Parse(value));
                    break;
                case 'o' when current is null:
                    description.Origin = value;
                    break;
                case 's' when current is null:
                    description.SessionName = value;
                    break;
                case 't' when current is null:
                    description.Timing = value;
                    break;
                default:
                    (current?.OtherLines ?? description.OtherLines).Add(line);
                    break;
            }
        }
        if (!sawVersion)
        {
            error = "missing v=0";
            return false;
        }
        return true;
    }

    /// <summary>The c= address that applies to a section (media-level first), or null.</summary>
    public string? ConnectionAddressFor(MediaDescription media)
    {
        var connection = media.Connection ?? Connection;
        if (connection is null)
        {
            return null;
        }
        var parts = connection.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length < 3 || parts[0] != "IN")
        {
            return null;
        }
        var address = parts[2];
        var slash = address.IndexOf('/');
        return slash < 0 ? address : address[..slash];
    }

    /// <summary>The direction of a section, falling back to the session's and then to sendrecv.</summary>
    public MediaDirection DirectionFor(MediaDescription media)
    {
        if (media.Direction is { } direction)
        {
            return direction;
        }
        foreach (var attribute in Attributes)
        {
            if (MediaDirections.FromAttribute(attribute.Name) is { } sessionDirection)
            {
                return sessionDirection;
            }
        }
        return MediaDirection.SendRecv;
    }

    public override string ToString()
    {
        var builder = new StringBuilder();
        builder.Append("v=0\r\n");
        builder.Append("o=").Append(Origin).Append("\r\n");
        builder.Append("s=").Append(SessionName).Append("\r\n");
        foreach (var line in OtherLines.Where(l => l[0] is 'i' or 'u' or 'e' or 'p'))
        {
            builder.Append(line).Append("\r\n");
        }
        if (Connection is not null)
        {
            builder.Append("c=").Append(Connection).Append("\r\n");
        }
        foreach (var line in OtherLines.Where(l => l[0] == 'b'))
        {
            builder.Append(line).Append("\r\n");
        }
        builder.Append("t=").Append(Timing).Append("\r\n");
        foreach (var line in OtherLines.Where(l => l[0] is not ('i' or 'u' or 'e' or 'p' or 'b')))
        {
            builder.Append(line).Append("\r\n");
        }
        foreach (var attribute in Attributes)
        {
            builder.Append("a=").Append(attribute.ToString()).Append("\r\n");
        }
        foreach (var media in Media)
        {
            media.Write(builder);
        }
        return builder.ToString();
    }

    private static bool TryParseMediaLine(string value, out MediaDescription media)
    {
        media = null!;
        var parts = value.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length < 3)
        {
            return false;
        }
        var portText = parts[1];
        int? count = null;
        var slash = portText.IndexOf('/');
        if (slash >= 0)
        {
            if (!int.TryParse(portText.AsSpan(slash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var c))
            {
                return false;
            }
            count = c;
            portText = portText[..slash];
        }
        if (!int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port > 65535)
        {
            return false;
        }
        media = new MediaDescription(parts[0], port, parts[2], parts.Skip(3)) { PortCount = count };
        return true;
    }

    private static string Truncate(string line) => line.Length > 40 ? line[..40] + "..." : line;
}
