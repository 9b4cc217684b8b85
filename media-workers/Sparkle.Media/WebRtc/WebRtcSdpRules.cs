using System.Globalization;
using Sparkle.Media.Sdp;
using Sparkle.Video.Codecs;

namespace Sparkle.Media.WebRtc;

/// <summary>What the reader and the answerer both need to know about a browser's m-lines: the DTLS-SRTP
/// profiles, which sections are live, session-or-media attributes, and the codecs we can take.</summary>
internal static class WebRtcSdpRules
{
    public const string Profile = "UDP/TLS/RTP/SAVPF";

    /// <summary>RFC 5764 §8 and RFC 7850: the DTLS-SRTP profiles (the TCP ones come with ICE-TCP).</summary>
    public static bool IsDtlsRtpProfile(string protocol) =>
        protocol is "UDP/TLS/RTP/SAVPF" or "UDP/TLS/RTP/SAVP" or "TCP/TLS/RTP/SAVPF" or "TCP/TLS/RTP/SAVP" or "UDP/TCP/TLS/RTP/SAVPF";

    /// <summary>Plain RTP or SDES: what SIP phones offer, never a browser.</summary>
    public static bool IsPlainOrSdesProfile(string protocol) => protocol is "RTP/AVP" or "RTP/AVPF" or "RTP/SAVP" or "RTP/SAVPF";

    /// <summary>A section the offerer wants: port 0 is a rejection unless it is bundle-only (RFC 8843 §6),
    /// which is how some browsers offer every section but the first of a BUNDLE group.</summary>
    public static bool IsLive(MediaDescription media) => media.Port != 0 || media.Has("bundle-only");

    public static bool IsRtpMedia(MediaDescription media) => media.Media is "audio" or "video";

    /// <summary>An attribute's value at media level, else at session level (RFC 8866 §5.13).</summary>
    public static string? Value(SessionDescription description, MediaDescription media, string name) =>
        media.Find(name).FirstOrDefault()?.Value
        ?? description.Attributes.FirstOrDefault(a => a.Name.Equals(name, StringComparison.OrdinalIgnoreCase))?.Value;

    public static IEnumerable<string?> Values(SessionDescription description, MediaDescription media, string name)
    {
        var local = media.Find(name).Select(a => a.Value).ToList();
        return local.Count > 0
            ? local
            : description.Attributes.Where(a => a.Name.Equals(name, StringComparison.OrdinalIgnoreCase)).Select(a => a.Value);
    }

    public static string? Mid(MediaDescription media) => media.Find("mid").FirstOrDefault()?.Value?.Trim();

    /// <summary>The offer's Opus payload type (RFC 7587: always opus/48000/2), or null.</summary>
    public static int? FindOpus(MediaDescription media)
    {
        foreach (var (pt, map) in SdpMediaRules.Formats(media))
        {
            if (map.Encoding.Equals("opus", StringComparison.OrdinalIgnoreCase) && map.ClockRate == 48000)
            {
                return pt;
            }
        }
        return null;
    }

    /// <summary>The one video codec we answer: H.264 packetization mode 1 in a (constrained) baseline profile,
    /// what our shared encoder sends, or VP8; <paramref name="preferred"/> when the offer has both. Never rtx,
    /// red, ulpfec, VP9 or AV1: the video MCU neither sends nor decodes them.</summary>
    public static bool TryChooseVideo(MediaDescription media, VideoCodec preferred, out int payloadType, out VideoCodec codec, out string answerFmtp)
    {
        (int Pt, string Fmtp, bool Constrained)? h264 = null;
        int? vp8 = null;
        foreach (var (pt, map) in SdpMediaRules.Formats(media))
        {
            if (map.ClockRate != SdpVideoRules.ClockRate)
            {
                continue;
            }
            if (map.Encoding.Equals("VP8", StringComparison.OrdinalIgnoreCase))
            {
                vp8 ??= pt;
            }
            else if (map.Encoding.Equals("H264", StringComparison.OrdinalIgnoreCase))
            {
                var fmtp = media.GetFmtp(pt);
                var parameters = VideoFormatParameters.Parse(VideoCodec.H264, fmtp);
                if (parameters.PacketizationMode != 1 || parameters.ProfileIdc != 0x42 || !H264Fmtp.TryAnswer(fmtp, out var answer))
                {
                    continue;
                }
                // constraint_set1 marks constrained baseline (RFC 6184 §8.1), exactly what x264 sends us; plain
                // baseline only when the offer has nothing better.
                var constrained = (parameters.ProfileIop & 0x40) != 0;
                if (h264 is null || (constrained && !h264.Value.Constrained))
                {
                    h264 = (pt, answer, constrained);
                }
            }
        }
        if (h264 is { } h && (preferred == VideoCodec.H264 || vp8 is null))
        {
            (payloadType, codec, answerFmtp) = (h.Pt, VideoCodec.H264, h.Fmtp);
            return true;
        }
        if (vp8 is { } v)
        {
            (payloadType, codec, answerFmtp) = (v, VideoCodec.Vp8, SdpVideoRules.Vp8Receive);
            return true;
        }
        (payloadType, codec, answerFmtp) = (0, VideoCodec.Vp8, "");
        return false;
    }

    /// <summary>The sender SSRCs of a section: every a=ssrc but the repair streams an ssrc-group names
    /// second (FID for rtx, FEC-FR), which we never negotiate.</summary>
    public static IReadOnlyList<uint> MediaSsrcs(MediaDescription media)
    {
        var repair = new HashSet<uint>();
        foreach (var group in media.Find("ssrc-group"))
        {
            var parts = (group.Value ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries);
            foreach (var part in parts.Skip(2))
            {
                if (uint.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var ssrc))
                {
                    repair.Add(ssrc);
                }
            }
        }
        var result = new List<uint>();
        foreach (var line in media.Find("ssrc"))
        {
            var text = line.Value ?? "";
            var space = text.IndexOf(' ');
            if (uint.TryParse(space < 0 ? text : text[..space], NumberStyles.None, CultureInfo.InvariantCulture, out var ssrc)
                && !repair.Contains(ssrc) && !result.Contains(ssrc))
            {
                result.Add(ssrc);
            }
        }
        return result;
    }
}
