using System.Globalization;
using Sparkle.Media.Codecs;
using Sparkle.Media.Srtp;

namespace Sparkle.Media.Sdp;

/// <summary>Answers a remote offer (RFC 3264 §6): one m= line per offered one in the same order, the
/// first acceptable audio stream and (when the worker has a video port) the first acceptable video stream
/// accepted, every other stream rejected with port 0; the offer's payload type numbers kept; directions
/// mirrored; SDES crypto per RFC 4568 with a fresh key of ours for each stream.</summary>
public static class SdpAnswerer
{
    public static SdpNegotiationResult Answer(string offerText, LocalAudioEndpoint local) =>
        SessionDescription.TryParse(offerText, out var offer, out var error)
            ? Answer(offer, local)
            : SdpNegotiationResult.Fail($"unparseable SDP: {error}");

    public static SdpNegotiationResult Answer(SessionDescription offer, LocalAudioEndpoint local)
    {
        var answer = new SessionDescription
        {
            Origin = local.OriginLine,
            SessionName = "Sparkle",
            Connection = local.ConnectionLine,
        };
        var accepted = new MediaDescription?[offer.Media.Count];
        NegotiatedAudio? audio = null;
        string? reason = offer.Media.Count == 0 ? "the offer has no media" : null;
        for (var i = 0; i < offer.Media.Count && audio is null; i++)
        {
            var offered = offer.Media[i];
            if (offered.Media == "audio" && !offered.IsRejected)
            {
                if (TryAcceptAudio(offer, offered, local, out var section, out audio, out var why))
                {
                    accepted[i] = section;
                }
                else
                {
                    reason = why;
                }
            }
        }
        if (audio is null)
        {
            return SdpNegotiationResult.Fail(reason ?? "no audio stream offered");
        }

        // Video is answered only when the worker has a video port for the leg; a video stream we cannot
        // take is rejected on its own and the call goes on with audio.
        NegotiatedVideo? video = null;
        for (var i = 0; i < offer.Media.Count && video is null && local.Video is not null; i++)
        {
            var offered = offer.Media[i];
            if (offered.Media == "video" && !offered.IsRejected
                && SdpVideoRules.TryAccept(offer, offered, local, audio.Srtp is not null, out var section, out video))
            {
                accepted[i] = section;
            }
        }

        for (var i = 0; i < offer.Media.Count; i++)
        {
            // Rejected: port 0, same media and transport, the offered formats (RFC 3264 §6).
            var offered = offer.Media[i];
            answer.Media.Add(accepted[i] ?? new MediaDescription(offered.Media, 0, offered.Protocol, offered.Formats));
        }
        return new SdpNegotiationResult(true, null, answer, audio, video);
    }

    private static bool TryAcceptAudio(
        SessionDescription offer,
        MediaDescription offered,
        LocalAudioEndpoint local,
        out MediaDescription accepted,
        out NegotiatedAudio? audio,
        out string? reason)
    {
        accepted = null!;
        audio = null;
        reason = null;
        if (!SdpMediaRules.IsRtpProfile(offered.Protocol))
        {
            reason = $"unsupported transport {offered.Protocol}";
            return false;
        }
        var secureProfile = SdpMediaRules.IsSecureProfile(offered.Protocol);
        var crypto = SdpMediaRules.FirstSupportedCrypto(offered, out var suite);
        if (crypto is null && secureProfile)
        {
            reason = "RTP/SAVP without an acceptable crypto line";
            return false;
        }
        if (crypto is null && local.SrtpRequired)
        {
            reason = "plain RTP refused: the tenant requires SRTP";
            return false;
        }

        (int PayloadType, AudioCodec Codec)? chosen = null;
        foreach (var (pt, map) in SdpMediaRules.Formats(offered))
        {
            if (AudioCodecs.TryParse(map.Encoding, map.ClockRate, out var codec) && local.Codecs.Contains(codec))
            {
                chosen = (pt, codec);
                break;
            }
        }
        if (chosen is not { } selected)
        {
            reason = "no common audio codec";
            return false;
        }
        var telephoneEvent = SdpMediaRules.FindTelephoneEvent(offered, selected.Codec.RtpClockRate());

        var remoteRtp = SdpMediaRules.RemoteRtp(offer, offered);
        var direction = offer.DirectionFor(offered).Reverse();
        if (SdpMediaRules.IsHoldAddress(offer, offered))
        {
            // RFC 2543 hold: the offerer does not want our media.
            direction &= ~MediaDirection.SendOnly;
        }
        var mux = offered.Has("rtcp-mux");

        var formats = new List<string> { selected.PayloadType.ToString(CultureInfo.InvariantCulture) };
        if (telephoneEvent is { } te)
        {
            formats.Add(te.ToString(CultureInfo.InvariantCulture));
        }
        accepted = new MediaDescription("audio", local.RtpPort, offered.Protocol, formats);
        SdpMediaRules.AddCodecAttributes(accepted, selected.PayloadType, selected.Codec);
        if (telephoneEvent is { } tePt)
        {
            SdpMediaRules.AddTelephoneEventAttributes(accepted, tePt, selected.Codec.RtpClockRate());
        }
        accepted.Attributes.Add(new SdpAttribute("ptime", LocalAudioEndpoint.Ptime.ToString(CultureInfo.InvariantCulture)));
        accepted.Attributes.Add(new SdpAttribute(direction.ToAttribute(), null));
        if (mux)
        {
            accepted.Attributes.Add(new SdpAttribute("rtcp-mux", null));
        }
        // RFC 6464 levels let the mixer skip decoding quiet participants; we only receive them (RFC 8285 §5).
        var audioLevelId = Rtp.AudioLevelExtension.FindOffered(offered.Find("extmap").Select(a => a.Value));
        if (audioLevelId is { } levelId)
        {
            accepted.Attributes.Add(new SdpAttribute("extmap",
                $"{levelId.ToString(CultureInfo.InvariantCulture)}/recvonly {Rtp.AudioLevelExtension.Uri}"));
        }
        SrtpKeys? keys = null;
        if (crypto is not null)
        {
            var ours = SdesCrypto.NewKeyMaterial();
            accepted.Attributes.Add(new SdpAttribute("crypto", SdesCrypto.Format(crypto.Tag, suite, ours)));
            keys = new SrtpKeys(suite, ours, crypto.KeyMaterial);
        }

        audio = new NegotiatedAudio(
            selected.Codec,
            (byte)selected.PayloadType,
            telephoneEvent is { } t ? (byte)t : null,
            direction,
            remoteRtp,
            SdpMediaRules.RemoteRtcp(offered, remoteRtp, mux),
            mux,
            keys,
            audioLevelId);
        return true;
    }
}
