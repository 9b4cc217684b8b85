using System.Xml;
using Sparkle.Sip.Messages;

namespace Sparkle.Gateway.Focus;

/// <summary>What a phone's legacy SIP INFO (RFC 6086 §2, no Info-Package) inside a conference call asks for:
/// keypad digits (application/dtmf-relay, application/dtmf), as many desk phones send them instead of
/// RFC 4733 events, or a fresh video picture (RFC 5168 application/media_control+xml).</summary>
public readonly record struct InfoBody(InfoBodyKind Kind, string? Digits = null)
{
    public const string DtmfRelay = "application/dtmf-relay";
    public const string Dtmf = "application/dtmf";
    public const string MediaControl = "application/media_control+xml";

    /// <summary>The body types the focus takes, for the Accept header of a 415.</summary>
    public const string Accepted = DtmfRelay + ", " + Dtmf + ", " + MediaControl;

    public static InfoBody Parse(SipMessage message)
    {
        if (message.Body.Length == 0)
        {
            return new(InfoBodyKind.Empty); // some phones send empty INFOs as keep-alives
        }
        var type = message.ContentType;
        var mediaType = type is null ? "" : type.Split(';', 2)[0].Trim();
        if (mediaType.Equals(DtmfRelay, StringComparison.OrdinalIgnoreCase))
        {
            return Digit(ParseRelaySignal(message.BodyText));
        }
        if (mediaType.Equals(Dtmf, StringComparison.OrdinalIgnoreCase))
        {
            return Digit(NormalizeDigit(message.BodyText.Trim()));
        }
        if (mediaType.Equals(MediaControl, StringComparison.OrdinalIgnoreCase))
        {
            return AsksForPicture(message.BodyText) is { } asks
                ? new(asks ? InfoBodyKind.PictureFastUpdate : InfoBodyKind.OtherMediaControl)
                : new(InfoBodyKind.Malformed);
        }
        return new(InfoBodyKind.Unsupported);
    }

    private static InfoBody Digit(char? digit) =>
        digit is { } d ? new(InfoBodyKind.Digits, d.ToString()) : new(InfoBodyKind.Malformed);

    /// <summary>"Signal=5\r\nDuration=160": the Signal line's value.</summary>
    private static char? ParseRelaySignal(string body)
    {
        foreach (var line in body.Split('\n'))
        {
            var equals = line.IndexOf('=');
            if (equals > 0 && line[..equals].Trim().Equals("Signal", StringComparison.OrdinalIgnoreCase))
            {
                return NormalizeDigit(line[(equals + 1)..].Trim());
            }
        }
        return null;
    }

    /// <summary>0-9, *, #, A-D; some phones send the RFC 4733 event numbers 10 and 11 for * and #.</summary>
    private static char? NormalizeDigit(string value) => value switch
    {
        "10" => '*',
        "11" => '#',
        { Length: 1 } when value[0] is (>= '0' and <= '9') or '*' or '#' => value[0],
        { Length: 1 } when char.ToUpperInvariant(value[0]) is >= 'A' and <= 'D' => char.ToUpperInvariant(value[0]),
        _ => null,
    };

    /// <summary>True when the XML holds a picture_fast_update primitive; null when it is not XML at all.
    /// DTDs are refused (the reader's default), so no entity expansion reaches us.</summary>
    private static bool? AsksForPicture(string xml)
    {
        try
        {
            using var reader = XmlReader.Create(new StringReader(xml), new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit });
            var found = false;
            while (reader.Read())
            {
                found |= reader.NodeType == XmlNodeType.Element && reader.LocalName == "picture_fast_update";
            }
            return found;
        }
        catch (XmlException)
        {
            return null;
        }
    }
}

public enum InfoBodyKind
{
    Empty,
    Digits,
    PictureFastUpdate,
    /// <summary>A media_control document without picture_fast_update (e.g. stream_id only): understood, nothing to do.</summary>
    OtherMediaControl,
    Malformed,
    Unsupported,
}
