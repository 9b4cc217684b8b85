using Sparkle.Sip.Messages;

namespace Sparkle.Gateway.Focus;

/// <summary>Finds the parts of an INVITE body the focus cares about: the SDP offer (opaque to the gateway;
/// the media worker reads it) and an RFC 5366 resource list of people to dial out. Handles multipart/mixed.</summary>
public static class SessionDescription
{
    public const string Sdp = "application/sdp";
    public const string ResourceLists = "application/resource-lists+xml";

    public static (string? Sdp, string? ResourceList) Extract(SipMessage message)
    {
        if (message.Body.Length == 0)
        {
            return (null, null);
        }
        var type = message.ContentType ?? Sdp;
        if (type.StartsWith(Sdp, StringComparison.OrdinalIgnoreCase))
        {
            return (message.BodyText, null);
        }
        if (type.StartsWith(ResourceLists, StringComparison.OrdinalIgnoreCase))
        {
            return (null, message.BodyText);
        }
        if (type.StartsWith("multipart/", StringComparison.OrdinalIgnoreCase)
            && SipParameters.Parse(type[(type.IndexOf(';') + 1)..])["boundary"] is { } boundary)
        {
            string? sdp = null;
            string? list = null;
            foreach (var (partType, content) in SplitMultipart(message.BodyText, HeaderValues.Unquote(boundary)))
            {
                if (partType.StartsWith(Sdp, StringComparison.OrdinalIgnoreCase))
                {
                    sdp ??= content;
                }
                else if (partType.StartsWith(ResourceLists, StringComparison.OrdinalIgnoreCase))
                {
                    list ??= content;
                }
            }
            return (sdp, list);
        }
        return (null, null);
    }

    /// <summary>The SIP URIs of the entries of a resource list. DTDs are refused, as in INFO bodies: internal
    /// entities would let a few hundred bytes expand to megabytes (or to entries nobody wrote).</summary>
    public static IReadOnlyList<SipUri> ListEntries(string resourceList) =>
        ReadList(resourceList, int.MaxValue, int.MaxValue).Entries;

    /// <summary>Reads a resource list (RFC 4826) as a stream, stopping as soon as it holds more entries than
    /// <paramref name="maxEntries"/> or nests lists deeper than <paramref name="maxDepth"/>: an oversized list
    /// is refused whole, never dialled in part. Unreadable XML (a DTD included) yields no entries.</summary>
    public static ResourceListRead ReadList(string resourceList, int maxEntries, int maxDepth)
    {
        var entries = new List<SipUri>();
        try
        {
            var settings = new System.Xml.XmlReaderSettings
            {
                DtdProcessing = System.Xml.DtdProcessing.Prohibit,
                XmlResolver = null,
                MaxCharactersInDocument = 1 << 20,
            };
            using var reader = System.Xml.XmlReader.Create(new StringReader(resourceList), settings);
            var depth = 0;
            var count = 0;
            while (reader.Read())
            {
                if (reader.NodeType == System.Xml.XmlNodeType.EndElement && reader.LocalName == "list")
                {
                    depth--;
                }
                if (reader.NodeType != System.Xml.XmlNodeType.Element)
                {
                    continue;
                }
                if (reader.LocalName == "list")
                {
                    if (++depth > maxDepth)
                    {
                        return new ResourceListRead([], ResourceListProblem.TooDeep);
                    }
                    if (reader.IsEmptyElement)
                    {
                        depth--;
                    }
                }
                else if (reader.LocalName == "entry")
                {
                    // Counted whether or not the URI is usable: the cap is on what the sender asked for.
                    if (++count > maxEntries)
                    {
                        return new ResourceListRead([], ResourceListProblem.TooManyEntries);
                    }
                    if (SipUri.TryParse(reader.GetAttribute("uri"), out var uri))
                    {
                        entries.Add(uri);
                    }
                }
            }
            return new ResourceListRead(entries, ResourceListProblem.None);
        }
        catch (System.Xml.XmlException)
        {
            return new ResourceListRead([], ResourceListProblem.Unreadable);
        }
    }

    /// <summary>Whether the offer asks for SRTP (RTP/SAVP or RTP/SAVPF m-lines).</summary>
    public static bool IsEncrypted(string? sdp) =>
        sdp is not null && (sdp.Contains("RTP/SAVP", StringComparison.Ordinal) || sdp.Contains("UDP/TLS/RTP/SAVP", StringComparison.Ordinal));

    private static IEnumerable<(string Type, string Content)> SplitMultipart(string body, string boundary)
    {
        var delimiter = "--" + boundary;
        foreach (var chunk in body.Split(delimiter).Skip(1))
        {
            if (chunk.StartsWith("--", StringComparison.Ordinal))
            {
                yield break;
            }
            var part = chunk.TrimStart('\r', '\n');
            var split = part.IndexOf("\r\n\r\n", StringComparison.Ordinal);
            if (split < 0)
            {
                continue;
            }
            var type = Sdp;
            foreach (var line in part[..split].Split("\r\n"))
            {
                var colon = line.IndexOf(':');
                if (colon > 0 && HeaderNames.Canonical(line[..colon].Trim()) == HeaderNames.ContentType)
                {
                    type = line[(colon + 1)..].Trim();
                }
            }
            var content = part[(split + 4)..];
            yield return (type, content.EndsWith("\r\n", StringComparison.Ordinal) ? content[..^2] : content);
        }
    }
}

public enum ResourceListProblem
{
    None,
    Unreadable,
    TooManyEntries,
    TooDeep,
}

public sealed record ResourceListRead(IReadOnlyList<SipUri> Entries, ResourceListProblem Problem);
