using System.Globalization;
using Sparkle.Media.Srtp;
using Sparkle.Video.Codecs;

namespace Sparkle.Media.Sdp;

/// <summary>The video m= section in offer/answer: H.264 (RFC 6184, packetization modes 0 and 1) or VP8
/// (RFC 7741), one payload type used both ways; RTCP feedback (RFC 4585/5104) as far as both sides do it;
/// b=AS; SDES-SRTP as for audio, and never video in the clear beside encrypted audio.</summary>
internal static class SdpVideoRules
{
    public const int ClockRate = 90000;

    // Our offer's payload types (dynamic range; audio uses 101, 110 and 111).
    private const int H264PayloadType = 96;
    private const int Vp8PayloadType = 97;

    private const VideoFeedbackTypes Supported =
        VideoFeedbackTypes.Nack | VideoFeedbackTypes.Pli | VideoFeedbackTypes.Fir | VideoFeedbackTypes.Tmmbr | VideoFeedbackTypes.Remb;

    /// <summary>VP8 receive limits we state: 720p (3600 macroblocks) at up to 30 frames a second.</summary>
    internal const string Vp8Receive = "max-fr=30;max-fs=3600";

    public static bool TryAccept(
        SessionDescription offer, MediaDescription offered, LocalAudioEndpoint local, bool audioSecure,
        out MediaDescription accepted, out NegotiatedVideo? video)
    {
        accepted = null!;
        video = null;
        var localVideo = local.Video!;
        if (!SdpMediaRules.IsRtpProfile(offered.Protocol))
        {
            return false;
        }
        var crypto = SdpMediaRules.FirstSupportedCrypto(offered, out var suite);
        if (crypto is null && (SdpMediaRules.IsSecureProfile(offered.Protocol) || local.SrtpRequired || audioSecure))
        {
            // No usable key: refused, like audio; and pictures never go in the clear beside SRTP audio.
            return false;
        }

        (int PayloadType, VideoCodec Codec, string? AnswerFmtp)? chosen = null;
        foreach (var (pt, map) in SdpMediaRules.Formats(offered))
        {
            if (map.ClockRate != ClockRate || !TryParseCodec(map.Encoding, out var codec) || !localVideo.Codecs.Contains(codec))
            {
                continue;
            }
            if (codec == VideoCodec.Vp8)
            {
                chosen = (pt, codec, Vp8Receive);
                break;
            }
            if (H264Fmtp.TryAnswer(offered.GetFmtp(pt), out var fmtp))
            {
                chosen = (pt, codec, fmtp);
                break;
            }
        }
        if (chosen is not { } selected)
        {
            return false;
        }

        var remoteRtp = SdpMediaRules.RemoteRtp(offer, offered);
        var direction = offer.DirectionFor(offered).Reverse();
        if (SdpMediaRules.IsHoldAddress(offer, offered))
        {
            direction &= ~MediaDirection.SendOnly;
        }
        var mux = offered.Has("rtcp-mux");
        var feedback = ReadFeedback(offered, selected.PayloadType) & Supported;

        accepted = new MediaDescription("video", localVideo.RtpPort, offered.Protocol, [selected.PayloadType.ToString(CultureInfo.InvariantCulture)]);
        accepted.OtherLines.Add(string.Create(CultureInfo.InvariantCulture, $"b=AS:{localVideo.ReceiveBitrateKbps}"));
        AddCodecAttributes(accepted, selected.PayloadType, selected.Codec, selected.AnswerFmtp, feedback);
        accepted.Attributes.Add(new SdpAttribute(direction.ToAttribute(), null));
        if (mux)
        {
            accepted.Attributes.Add(new SdpAttribute("rtcp-mux", null));
        }
        SrtpKeys? keys = null;
        if (crypto is not null)
        {
            var ours = SdesCrypto.NewKeyMaterial();
            accepted.Attributes.Add(new SdpAttribute("crypto", SdesCrypto.Format(crypto.Tag, suite, ours)));
            keys = new SrtpKeys(suite, ours, crypto.KeyMaterial);
        }

        video = new NegotiatedVideo(
            selected.Codec,
            (byte)selected.PayloadType,
            offered.GetFmtp(selected.PayloadType),
            direction,
            remoteRtp,
            SdpMediaRules.RemoteRtcp(offered, remoteRtp, mux),
            mux,
            keys,
            feedback,
            SdpMediaRules.ApplicationBandwidthKbps(offer, offered));
        return true;
    }

    /// <summary>Our video section for an offer: H.264 (mode 1) and VP8, feedback for both, one fresh key
    /// when secure. Kept small on purpose: with it a dial-out INVITE still fits the 1300 bytes RFC 3261
    /// §18.1.1 allows over UDP (phones that only speak mode 0 get audio).</summary>
    public static MediaDescription CreateOffer(
        LocalVideoEndpoint local, bool secure, out Dictionary<int, VideoCodec> payloadTypes, out Dictionary<int, (SrtpSuite Suite, byte[] Key)> crypto)
    {
        payloadTypes = [];
        foreach (var codec in local.Codecs)
        {
            payloadTypes[codec == VideoCodec.H264 ? H264PayloadType : Vp8PayloadType] = codec;
        }
        var media = new MediaDescription("video", local.RtpPort, secure ? "RTP/SAVP" : "RTP/AVP",
            payloadTypes.Keys.Select(pt => pt.ToString(CultureInfo.InvariantCulture)));
        media.OtherLines.Add(string.Create(CultureInfo.InvariantCulture, $"b=AS:{local.ReceiveBitrateKbps}"));
        foreach (var (pt, codec) in payloadTypes)
        {
            AddCodecAttributes(media, pt, codec, codec == VideoCodec.H264 ? H264Fmtp.Offer(1) : null, VideoFeedbackTypes.None);
        }
        foreach (var feedback in new[] { "nack", "nack pli", "ccm fir" })
        {
            media.Attributes.Add(new SdpAttribute("rtcp-fb", $"* {feedback}"));
        }
        media.Attributes.Add(new SdpAttribute("sendrecv", null));
        media.Attributes.Add(new SdpAttribute("rtcp-mux", null));
        crypto = [];
        if (secure)
        {
            var key = SdesCrypto.NewKeyMaterial();
            crypto[1] = (SrtpSuite.AesCm128HmacSha1_80, key);
            media.Attributes.Add(new SdpAttribute("crypto", SdesCrypto.Format(1, SrtpSuite.AesCm128HmacSha1_80, key)));
        }
        return media;
    }

    /// <summary>Reads the peer's answer to our video section; null when it rejected video or answered
    /// with nothing we offered (the call then goes on with audio only).</summary>
    public static NegotiatedVideo? Complete(SdpOffer offer, SessionDescription answer, MediaDescription answered)
    {
        if (answered.Media != "video" || answered.IsRejected)
        {
            return null;
        }
        (int PayloadType, VideoCodec Codec)? chosen = null;
        foreach (var format in answered.Formats)
        {
            if (int.TryParse(format, NumberStyles.None, CultureInfo.InvariantCulture, out var pt)
                && offer.VideoPayloadTypes.TryGetValue(pt, out var codec))
            {
                chosen = (pt, codec);
                break;
            }
        }
        if (chosen is not { } selected)
        {
            return null;
        }
        SrtpKeys? keys = null;
        if (offer.Secure)
        {
            foreach (var line in answered.Find("crypto"))
            {
                if (SdesCrypto.TryParse(line.Value, out var crypto) && crypto.IsSupported(out var suite)
                    && offer.VideoCrypto.TryGetValue(crypto.Tag, out var ours) && ours.Suite == suite)
                {
                    keys = new SrtpKeys(suite, ours.Key, crypto.KeyMaterial);
                    break;
                }
            }
            if (keys is null)
            {
                return null;
            }
        }
        var remoteRtp = SdpMediaRules.RemoteRtp(answer, answered);
        var direction = answer.DirectionFor(answered).Reverse();
        if (SdpMediaRules.IsHoldAddress(answer, answered))
        {
            direction &= ~MediaDirection.SendOnly;
        }
        var mux = answered.Has("rtcp-mux");
        // The packetization mode is the one we offered (1), whatever the answer repeats (RFC 6184 §8.2.2).
        var fmtp = answered.GetFmtp(selected.PayloadType);
        if (selected.Codec == VideoCodec.H264)
        {
            fmtp = string.IsNullOrWhiteSpace(fmtp) ? "packetization-mode=1" : $"{fmtp};packetization-mode=1";
        }
        var offeredFeedback = VideoFeedbackTypes.Nack | VideoFeedbackTypes.Pli | VideoFeedbackTypes.Fir;
        return new NegotiatedVideo(
            selected.Codec,
            (byte)selected.PayloadType,
            fmtp,
            direction,
            remoteRtp,
            SdpMediaRules.RemoteRtcp(answered, remoteRtp, mux),
            mux,
            keys,
            ReadFeedback(answered, selected.PayloadType) & offeredFeedback,
            SdpMediaRules.ApplicationBandwidthKbps(answer, answered));
    }

    public static bool TryParseCodec(string encoding, out VideoCodec codec)
    {
        if (encoding.Equals("H264", StringComparison.OrdinalIgnoreCase))
        {
            codec = VideoCodec.H264;
            return true;
        }
        codec = VideoCodec.Vp8;
        return encoding.Equals("VP8", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>The a=rtcp-fb lines for a payload type (or "*"), as flags.</summary>
    public static VideoFeedbackTypes ReadFeedback(MediaDescription media, int payloadType)
    {
        var result = VideoFeedbackTypes.None;
        var pt = payloadType.ToString(CultureInfo.InvariantCulture);
        foreach (var attribute in media.Find("rtcp-fb"))
        {
            var parts = (attribute.Value ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length < 2 || (parts[0] != "*" && parts[0] != pt))
            {
                continue;
            }
            var parameter = parts.Length > 2 ? parts[2].ToLowerInvariant() : null;
            result |= (parts[1].ToLowerInvariant(), parameter) switch
            {
                ("nack", null) => VideoFeedbackTypes.Nack,
                ("nack", "pli") => VideoFeedbackTypes.Pli,
                ("ccm", "fir") => VideoFeedbackTypes.Fir,
                ("ccm", "tmmbr") => VideoFeedbackTypes.Tmmbr,
                ("goog-remb", null) => VideoFeedbackTypes.Remb,
                _ => VideoFeedbackTypes.None,
            };
        }
        return result;
    }

    internal static void AddCodecAttributes(MediaDescription media, int payloadType, VideoCodec codec, string? fmtp, VideoFeedbackTypes feedback)
    {
        var pt = payloadType.ToString(CultureInfo.InvariantCulture);
        media.Attributes.Add(new SdpAttribute("rtpmap", $"{pt} {(codec == VideoCodec.H264 ? "H264" : "VP8")}/{ClockRate}"));
        if (!string.IsNullOrEmpty(fmtp))
        {
            media.Attributes.Add(new SdpAttribute("fmtp", $"{pt} {fmtp}"));
        }
        foreach (var (flag, text) in new[]
        {
            (VideoFeedbackTypes.Nack, "nack"), (VideoFeedbackTypes.Pli, "nack pli"), (VideoFeedbackTypes.Fir, "ccm fir"),
            (VideoFeedbackTypes.Tmmbr, "ccm tmmbr"), (VideoFeedbackTypes.Remb, "goog-remb"),
        })
        {
            if ((feedback & flag) != 0)
            {
                media.Attributes.Add(new SdpAttribute("rtcp-fb", $"{pt} {text}"));
            }
        }
    }
}
