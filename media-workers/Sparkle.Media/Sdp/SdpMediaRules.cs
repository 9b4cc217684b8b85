using System.Globalization;
using System.Net;
using Sparkle.Media.Codecs;
using Sparkle.Media.Srtp;

namespace Sparkle.Media.Sdp;

/// <summary>Shared reading of a remote media section: transport profile, codecs, telephone-event, SDES
/// crypto, bandwidth, the remote RTP and RTCP addresses.</summary>
internal static class SdpMediaRules
{
    public const string TelephoneEvent = "telephone-event";

    public static bool IsRtpProfile(string protocol) =>
        protocol is "RTP/AVP" or "RTP/AVPF" or "RTP/SAVP" or "RTP/SAVPF";

    public static bool IsSecureProfile(string protocol) => protocol.Contains("SAVP", StringComparison.Ordinal);

    public static IEnumerable<(int PayloadType, RtpMap Map)> Formats(MediaDescription media)
    {
        foreach (var format in media.Formats)
        {
            if (int.TryParse(format, NumberStyles.None, CultureInfo.InvariantCulture, out var pt) && pt <= 127
                && media.GetRtpMap(pt) is { } map)
            {
                yield return (pt, map);
            }
        }
    }

    /// <summary>The first a=crypto line we can use (RFC 4568 §7.1.1: the offerer's order is its preference).</summary>
    public static SdesCrypto? FirstSupportedCrypto(MediaDescription media, out SrtpSuite suite)
    {
        foreach (var line in media.Find("crypto"))
        {
            if (SdesCrypto.TryParse(line.Value, out var candidate) && candidate.IsSupported(out suite))
            {
                return candidate;
            }
        }
        suite = default;
        return null;
    }

    /// <summary>b=AS (RFC 8866 §5.8) of the section, else of the session, in kbit/s; 0 when absent.</summary>
    public static int ApplicationBandwidthKbps(SessionDescription description, MediaDescription media)
    {
        foreach (var line in media.OtherLines.Concat(description.OtherLines))
        {
            if (line.StartsWith("b=AS:", StringComparison.Ordinal)
                && int.TryParse(line.AsSpan(5), NumberStyles.None, CultureInfo.InvariantCulture, out var kbps) && kbps > 0)
            {
                return kbps;
            }
        }
        return 0;
    }

    public static int? FindTelephoneEvent(MediaDescription media, int clockRate)
    {
        foreach (var (pt, map) in Formats(media))
        {
            if (map.Encoding.Equals(TelephoneEvent, StringComparison.OrdinalIgnoreCase) && map.ClockRate == clockRate)
            {
                return pt;
            }
        }
        return null;
    }

    /// <summary>The remote RTP endpoint, or null when on hold (0.0.0.0 / ::) or unusable.</summary>
    public static IPEndPoint? RemoteRtp(SessionDescription description, MediaDescription media)
    {
        var address = description.ConnectionAddressFor(media);
        if (address is null || !IPAddress.TryParse(address, out var ip)
            || ip.Equals(IPAddress.Any) || ip.Equals(IPAddress.IPv6Any) || media.Port == 0)
        {
            return null;
        }
        return new IPEndPoint(ip, media.Port);
    }

    /// <summary>True when the connection address is the RFC 2543 hold address 0.0.0.0.</summary>
    public static bool IsHoldAddress(SessionDescription description, MediaDescription media) =>
        description.ConnectionAddressFor(media) is "0.0.0.0" or "::";

    /// <summary>RTCP goes to a=rtcp (RFC 3605) if given, else to port + 1; with rtcp-mux to the RTP port.</summary>
    public static IPEndPoint? RemoteRtcp(MediaDescription media, IPEndPoint? rtp, bool mux)
    {
        if (rtp is null || mux)
        {
            return rtp;
        }
        var attribute = media.Find("rtcp").FirstOrDefault()?.Value;
        if (attribute is not null)
        {
            var parts = attribute.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length > 0 && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port is > 0 and <= 65535)
            {
                var ip = parts.Length >= 4 && IPAddress.TryParse(parts[3], out var parsed) ? parsed : rtp.Address;
                return new IPEndPoint(ip, port);
            }
        }
        return rtp.Port < 65535 ? new IPEndPoint(rtp.Address, rtp.Port + 1) : null;
    }

    public static void AddCodecAttributes(MediaDescription media, int payloadType, AudioCodec codec)
    {
        media.Attributes.Add(new SdpAttribute("rtpmap", codec == AudioCodec.Opus
            ? string.Create(CultureInfo.InvariantCulture, $"{payloadType} opus/48000/2")
            : string.Create(CultureInfo.InvariantCulture, $"{payloadType} {codec.EncodingName()}/{codec.RtpClockRate()}")));
        if (codec == AudioCodec.Opus)
        {
            // usedtx: we prefer the sender to stop sending in silence (RFC 7587 §6.1); quiet legs of a big
            // meeting then cost nothing at all.
            media.Attributes.Add(new SdpAttribute("fmtp", string.Create(CultureInfo.InvariantCulture, $"{payloadType} useinbandfec=1;usedtx=1")));
        }
    }

    public static void AddTelephoneEventAttributes(MediaDescription media, int payloadType, int clockRate)
    {
        media.Attributes.Add(new SdpAttribute("rtpmap", string.Create(CultureInfo.InvariantCulture, $"{payloadType} {TelephoneEvent}/{clockRate}")));
        media.Attributes.Add(new SdpAttribute("fmtp", string.Create(CultureInfo.InvariantCulture, $"{payloadType} 0-16")));
    }
}
