using System.Globalization;
using Sparkle.Media.Codecs;
using Sparkle.Media.Rtp;
using Sparkle.Media.Sdp;
using Sparkle.Video.Codecs;

namespace Sparkle.Media.WebRtc;

/// <summary>Answers a browser's offer (JSEP, RFC 8829 §5.3): the same m-lines in the same order; the first audio
/// (Opus) and the first video (one codec) section accepted on our single BUNDLE transport, everything else (more
/// audio or video, data channels) rejected with port 0 and kept out of the group. We are ICE-lite (RFC 8445
/// §2.5) with host candidates only, and the DTLS server (a=setup:passive, RFC 8842).</summary>
public static class WebRtcAnswerer
{
    public const string StreamId = "sparkle";
    public const string AudioTrackId = "sparkle-audio";
    public const string VideoTrackId = "sparkle-video";

    /// <summary>The feedback the video path does for a browser: NACK from the packet history, PLI/FIR for key
    /// frames, REMB for its estimate. No TMMBR (browsers do not send it) and no transport-cc.</summary>
    private const VideoFeedbackTypes BrowserFeedback =
        VideoFeedbackTypes.Nack | VideoFeedbackTypes.Pli | VideoFeedbackTypes.Fir | VideoFeedbackTypes.Remb;

    public static bool TryAnswer(WebRtcOffer offer, WebRtcLocalParameters local, out WebRtcAnswer? answer, out WebRtcOfferError error, out string? message)
    {
        answer = null;
        var description = offer.Description;
        var addressType = local.IsIPv6 ? "IP6" : "IP4";
        var result = new SessionDescription
        {
            Origin = string.Create(CultureInfo.InvariantCulture, $"- {local.SessionId} {local.SessionVersion} IN {addressType} {local.Address}"),
            SessionName = "-",
        };
        result.Attributes.Add(new SdpAttribute("ice-lite", null));

        NegotiatedAudio? audio = null;
        NegotiatedVideo? video = null;
        IReadOnlyList<uint> audioSsrcs = [];
        IReadOnlyList<uint> videoSsrcs = [];
        var sawAudio = false;
        var sawVideo = false;
        var accepted = new List<string>();
        var anySending = false;

        foreach (var offered in description.Media)
        {
            var mid = WebRtcSdpRules.Mid(offered);
            MediaDescription? section = null;
            // Only sections in the group can share our one transport; without a group there is a single section.
            var usable = WebRtcSdpRules.IsLive(offered) && WebRtcSdpRules.IsRtpMedia(offered)
                && WebRtcSdpRules.IsDtlsRtpProfile(offered.Protocol)
                && (offer.BundleMids.Count == 0 || (mid is not null && offer.BundleMids.Contains(mid)));
            if (usable && offered.Media == "audio" && !sawAudio)
            {
                sawAudio = true;
                section = TryAudio(description, offered, local, out audio);
                audioSsrcs = audio is null ? [] : WebRtcSdpRules.MediaSsrcs(offered);
            }
            else if (usable && offered.Media == "video" && !sawVideo && local.VideoEnabled)
            {
                sawVideo = true;
                section = TryVideo(description, offered, local, out video);
                videoSsrcs = video is null ? [] : WebRtcSdpRules.MediaSsrcs(offered);
            }

            if (section is null)
            {
                section = Rejected(offered, local);
            }
            else
            {
                if (mid is not null)
                {
                    accepted.Add(mid);
                }
                anySending |= section.Find("msid").Any();
            }
            result.Media.Add(section);
        }

        if (audio is null && video is null)
        {
            error = WebRtcOfferError.NoSupportedCodec;
            message = local.VideoEnabled
                ? "no audio m-line with Opus and no video m-line with VP8 or H.264 (packetization-mode 1, baseline) we can take"
                : "no audio m-line with Opus (video is disabled here)";
            return false;
        }

        // Session-level lines go before the m-lines; ice-lite first, then the group.
        if (accepted.Count > 0)
        {
            result.Attributes.Add(new SdpAttribute("group", "BUNDLE " + string.Join(' ', accepted)));
        }
        if (anySending)
        {
            result.Attributes.Add(new SdpAttribute("msid-semantic", " WMS " + StreamId));
        }

        answer = new WebRtcAnswer(result.ToString(), audio, video, audioSsrcs, videoSsrcs);
        error = WebRtcOfferError.None;
        message = null;
        return true;
    }

    private static MediaDescription? TryAudio(SessionDescription description, MediaDescription offered, WebRtcLocalParameters local, out NegotiatedAudio? audio)
    {
        audio = null;
        if (WebRtcSdpRules.FindOpus(offered) is not { } opus)
        {
            return null;
        }
        var telephoneEvent = SdpMediaRules.FindTelephoneEvent(offered, 48000);
        var direction = description.DirectionFor(offered).Reverse();
        var pt = opus.ToString(CultureInfo.InvariantCulture);
        var formats = new List<string> { pt };
        if (telephoneEvent is { } te)
        {
            formats.Add(te.ToString(CultureInfo.InvariantCulture));
        }
        var section = Accepted(offered, "audio", formats, local);
        // RFC 6464 levels let the mixer leave quiet browsers undecoded; the offer's id is kept (RFC 8285 §6).
        var levelId = AudioLevelExtension.FindOffered(offered.Find("extmap").Select(a => a.Value));
        if (levelId is { } id)
        {
            section.Attributes.Add(new SdpAttribute("extmap", $"{id.ToString(CultureInfo.InvariantCulture)} {AudioLevelExtension.Uri}"));
        }
        AddDirection(section, direction, AudioTrackId);
        section.Attributes.Add(new SdpAttribute("rtcp-mux", null));
        section.Attributes.Add(new SdpAttribute("rtpmap", $"{pt} opus/48000/2"));
        section.Attributes.Add(new SdpAttribute("fmtp", $"{pt} minptime=10;useinbandfec=1"));
        if (telephoneEvent is { } tePt)
        {
            // Keypad digits for the PIN lobby and in-meeting controls (RFC 4733).
            SdpMediaRules.AddTelephoneEventAttributes(section, tePt, 48000);
        }
        AddSsrc(section, direction, local.AudioSsrc, local.Cname);
        audio = new NegotiatedAudio(
            AudioCodec.Opus, (byte)opus, telephoneEvent is { } t ? (byte)t : null, direction,
            RemoteRtp: null, RemoteRtcp: null, RtcpMux: true, Srtp: null, AudioLevelId: levelId);
        return section;
    }

    private static MediaDescription? TryVideo(SessionDescription description, MediaDescription offered, WebRtcLocalParameters local, out NegotiatedVideo? video)
    {
        video = null;
        if (!WebRtcSdpRules.TryChooseVideo(offered, local.PreferredVideoCodec, out var payloadType, out var codec, out var fmtp))
        {
            return null;
        }
        var direction = description.DirectionFor(offered).Reverse();
        var feedback = SdpVideoRules.ReadFeedback(offered, payloadType) & BrowserFeedback;
        var section = Accepted(offered, "video", [payloadType.ToString(CultureInfo.InvariantCulture)], local);
        section.OtherLines.Add(string.Create(CultureInfo.InvariantCulture, $"b=AS:{local.ReceiveBitrateKbps}"));
        AddDirection(section, direction, VideoTrackId);
        section.Attributes.Add(new SdpAttribute("rtcp-mux", null));
        SdpVideoRules.AddCodecAttributes(section, payloadType, codec, fmtp, feedback);
        AddSsrc(section, direction, local.VideoSsrc, local.Cname);
        video = new NegotiatedVideo(
            codec, (byte)payloadType, offered.GetFmtp(payloadType), direction,
            RemoteRtp: null, RemoteRtcp: null, RtcpMux: true, Srtp: null, feedback,
            SdpMediaRules.ApplicationBandwidthKbps(description, offered));
        return section;
    }

    /// <summary>The transport half of an accepted section (RFC 8839 §5, RFC 8842, RFC 8122): the same in each,
    /// as BUNDLE asks of an answer's sections (RFC 8843 §7.3 lets us repeat them).</summary>
    private static MediaDescription Accepted(MediaDescription offered, string media, List<string> formats, WebRtcLocalParameters local)
    {
        var section = new MediaDescription(media, local.UdpPort, WebRtcSdpRules.Profile, formats)
        {
            Connection = $"IN {(local.IsIPv6 ? "IP6" : "IP4")} {local.Address}",
        };
        if (WebRtcSdpRules.Mid(offered) is { } mid)
        {
            section.Attributes.Add(new SdpAttribute("mid", mid));
        }
        section.Attributes.Add(new SdpAttribute("ice-ufrag", local.IceUfrag));
        section.Attributes.Add(new SdpAttribute("ice-pwd", local.IcePassword));
        section.Attributes.Add(new SdpAttribute("fingerprint", "sha-256 " + local.Sha256Fingerprint));
        section.Attributes.Add(new SdpAttribute("setup", "passive"));
        foreach (var candidate in Candidates(local))
        {
            section.Attributes.Add(new SdpAttribute("candidate", candidate));
        }
        section.Attributes.Add(new SdpAttribute("end-of-candidates", null));
        return section;
    }

    /// <summary>Host candidates only (we are on a public address). Priorities per RFC 8445 §5.1.2.1 with type
    /// preference 126; the TCP one per RFC 6544 §4.2 (passive, direction preference 4) sorts below UDP, so a
    /// browser uses it only when UDP fails.</summary>
    internal static IEnumerable<string> Candidates(WebRtcLocalParameters local)
    {
        const uint UdpPriority = (126u << 24) | (65535u << 8) | 255u;
        const uint TcpPriority = (126u << 24) | (((4u << 13) | 8191u) << 8) | 255u;
        yield return string.Create(CultureInfo.InvariantCulture, $"1 1 udp {UdpPriority} {local.Address} {local.UdpPort} typ host");
        if (local.TcpPort is { } tcp)
        {
            yield return string.Create(CultureInfo.InvariantCulture, $"2 1 tcp {TcpPriority} {local.Address} {tcp} typ host tcptype passive");
        }
    }

    private static void AddDirection(MediaDescription section, MediaDirection direction, string trackId)
    {
        section.Attributes.Add(new SdpAttribute(direction.ToAttribute(), null));
        if (direction.Sends())
        {
            // RFC 8830: the browser builds a remote track from it; without it ontrack gets a random stream.
            section.Attributes.Add(new SdpAttribute("msid", $"{StreamId} {trackId}"));
        }
    }

    private static void AddSsrc(MediaDescription section, MediaDirection direction, uint ssrc, string cname)
    {
        if (direction.Sends())
        {
            // Our SSRC is what lets the browser demultiplex the bundled streams without the MID extension.
            section.Attributes.Add(new SdpAttribute("ssrc", string.Create(CultureInfo.InvariantCulture, $"{ssrc} cname:{cname}")));
        }
    }

    /// <summary>RFC 8843 §7.3.3 and RFC 3264 §6: port 0, the offered media, protocol and formats, the mid kept.</summary>
    private static MediaDescription Rejected(MediaDescription offered, WebRtcLocalParameters local)
    {
        var section = new MediaDescription(offered.Media, 0, offered.Protocol, offered.Formats)
        {
            Connection = $"IN {(local.IsIPv6 ? "IP6" : "IP4")} {local.Address}",
        };
        if (WebRtcSdpRules.Mid(offered) is { } mid)
        {
            section.Attributes.Add(new SdpAttribute("mid", mid));
        }
        return section;
    }
}
