using Sparkle.Media.Sdp;
using Sparkle.Video.Codecs;

namespace Sparkle.Media.WebRtc;

/// <summary>Reads a browser's complete offer (JSEP, RFC 8829) and checks that the worker can take it: DTLS-SRTP
/// (RFC 5763/5764) with a fingerprint, ICE credentials (RFC 8839), an offerer that lets us be the DTLS server,
/// one BUNDLE transport (RFC 8843) and a codec we mix. The checks go from the transport down to the codecs, so a
/// SIP phone's offer is told it is plain RTP before it is told it lacks a fingerprint.</summary>
public static class WebRtcOfferReader
{
    public static bool TryRead(string sdp, out WebRtcOffer? offer, out WebRtcOfferError error, out string? message)
    {
        offer = null;
        if (!SessionDescription.TryParse(sdp, out var description, out var parseError))
        {
            return Fail(WebRtcOfferError.Unparseable, $"unparseable SDP: {parseError}", out error, out message);
        }
        if (description.Media.Count == 0)
        {
            return Fail(WebRtcOfferError.Unparseable, "the offer has no m-lines", out error, out message);
        }

        var live = description.Media.Where(WebRtcSdpRules.IsLive).ToList();
        if (live.FirstOrDefault(m => WebRtcSdpRules.IsPlainOrSdesProfile(m.Protocol)) is { } plain)
        {
            return Fail(WebRtcOfferError.PlainRtp,
                $"m={plain.Media} offers {plain.Protocol}: plain RTP or SDES, browsers use UDP/TLS/RTP/SAVPF", out error, out message);
        }
        // The sections whose transport we would run: live audio and video over DTLS-SRTP.
        var rtp = live.Where(m => WebRtcSdpRules.IsRtpMedia(m) && WebRtcSdpRules.IsDtlsRtpProfile(m.Protocol)).ToList();
        if (rtp.Count == 0)
        {
            return Fail(WebRtcOfferError.NoSupportedCodec, "no audio or video m-line over UDP/TLS/RTP/SAVPF", out error, out message);
        }

        if (!TryReadFingerprint(description, rtp, out var algorithm, out var fingerprint, out var why))
        {
            return Fail(WebRtcOfferError.NoFingerprint, why, out error, out message);
        }

        var ufrag = WebRtcSdpRules.Value(description, rtp[0], "ice-ufrag")?.Trim();
        var password = WebRtcSdpRules.Value(description, rtp[0], "ice-pwd")?.Trim();
        if (string.IsNullOrEmpty(ufrag) || string.IsNullOrEmpty(password)
            || rtp.Any(m => string.IsNullOrEmpty(WebRtcSdpRules.Value(description, m, "ice-ufrag"))
                || string.IsNullOrEmpty(WebRtcSdpRules.Value(description, m, "ice-pwd"))))
        {
            return Fail(WebRtcOfferError.NoIceCredentials, "a=ice-ufrag or a=ice-pwd missing", out error, out message);
        }

        // RFC 8842 §5.1: the offerer says actpass (or active); passive would make us the DTLS client, and the
        // worker only ever answers ClientHellos.
        if (rtp.FirstOrDefault(m => WebRtcSdpRules.Value(description, m, "setup")?.Trim().Equals("passive", StringComparison.OrdinalIgnoreCase) == true) is { } passive)
        {
            return Fail(WebRtcOfferError.SetupNotSupported,
                $"m={passive.Media} has a=setup:passive; we are always the DTLS server (offer actpass)", out error, out message);
        }

        var bundle = description.Attributes
            .Where(a => a.Name == "group" && a.Value?.StartsWith("BUNDLE", StringComparison.Ordinal) == true)
            .Select(a => a.Value!.Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).ToList())
            .FirstOrDefault();
        if (bundle is null || bundle.Count == 0)
        {
            if (live.Count > 1)
            {
                return Fail(WebRtcOfferError.NotBundled,
                    $"{live.Count} m-lines without a=group:BUNDLE; we run one transport for all media", out error, out message);
            }
            bundle = WebRtcSdpRules.Mid(rtp[0]) is { Length: > 0 } mid ? [mid] : [];
        }

        var hasAudio = rtp.Any(m => m.Media == "audio" && WebRtcSdpRules.FindOpus(m) is not null);
        var hasVideo = rtp.Any(m => m.Media == "video" && WebRtcSdpRules.TryChooseVideo(m, VideoCodec.H264, out _, out _, out _));
        if (!hasAudio && !hasVideo)
        {
            return Fail(WebRtcOfferError.NoSupportedCodec,
                "no audio m-line with Opus and no video m-line with VP8 or H.264 (packetization-mode 1, baseline)", out error, out message);
        }

        offer = new WebRtcOffer(description, ufrag, password, algorithm, fingerprint, bundle);
        error = WebRtcOfferError.None;
        message = null;
        return true;
    }

    /// <summary>RFC 8122 §5: a=fingerprint at media level overrides the session's. With several hash functions
    /// offered we keep sha-256 (what every browser sends); every section we would run must name the same one.</summary>
    private static bool TryReadFingerprint(
        SessionDescription description, List<MediaDescription> sections, out string algorithm, out string fingerprint, out string message)
    {
        (algorithm, fingerprint, message) = ("", "", "");
        foreach (var section in sections)
        {
            (string Algorithm, string Value)? chosen = null;
            foreach (var value in WebRtcSdpRules.Values(description, section, "fingerprint"))
            {
                var parts = (value ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (parts.Length != 2)
                {
                    continue;
                }
                var candidate = (parts[0].ToLowerInvariant(), parts[1].ToUpperInvariant());
                if (chosen is null || candidate.Item1 == "sha-256")
                {
                    chosen = candidate;
                }
            }
            if (chosen is not { } found)
            {
                message = $"m={section.Media} (mid {WebRtcSdpRules.Mid(section) ?? "none"}) has no a=fingerprint: DTLS-SRTP needs one";
                return false;
            }
            if (algorithm.Length == 0)
            {
                (algorithm, fingerprint) = found;
            }
            else if (algorithm != found.Algorithm || fingerprint != found.Value)
            {
                message = "the m-lines name different DTLS certificate fingerprints";
                return false;
            }
        }
        return true;
    }

    private static bool Fail(WebRtcOfferError code, string text, out WebRtcOfferError error, out string? message)
    {
        error = code;
        message = text;
        return false;
    }
}
