using System.Globalization;
using Sparkle.Media.Codecs;
using Sparkle.Media.Srtp;

namespace Sparkle.Media.Sdp;

/// <summary>Makes an offer (audio, and video when the worker has a video port for the leg) and completes
/// it with the peer's answer (RFC 3264 §5 and §7).</summary>
public static class SdpOfferer
{
    private const int OpusPayloadType = 111;
    private const int TelephoneEvent8k = 101;
    private const int TelephoneEvent48k = 110;
    private const byte OfferedAudioLevelId = 1;

    public static SdpOffer CreateOffer(LocalAudioEndpoint local)
    {
        var payloadTypes = new Dictionary<int, AudioCodec>();
        foreach (var codec in local.Codecs)
        {
            payloadTypes[codec == AudioCodec.Opus ? OpusPayloadType : codec.StaticPayloadType()] = codec;
        }
        var formats = payloadTypes.Keys.Select(pt => pt.ToString(CultureInfo.InvariantCulture)).ToList();
        var hasOpus = payloadTypes.ContainsValue(AudioCodec.Opus);
        var hasNarrowClock = payloadTypes.Values.Any(c => c != AudioCodec.Opus);
        if (hasOpus)
        {
            formats.Add(TelephoneEvent48k.ToString(CultureInfo.InvariantCulture));
        }
        if (hasNarrowClock)
        {
            formats.Add(TelephoneEvent8k.ToString(CultureInfo.InvariantCulture));
        }
        var secure = local.SrtpRequired;
        var media = new MediaDescription("audio", local.RtpPort, secure ? "RTP/SAVP" : "RTP/AVP", formats);
        foreach (var (pt, codec) in payloadTypes)
        {
            SdpMediaRules.AddCodecAttributes(media, pt, codec);
        }
        if (hasOpus)
        {
            SdpMediaRules.AddTelephoneEventAttributes(media, TelephoneEvent48k, 48000);
        }
        if (hasNarrowClock)
        {
            SdpMediaRules.AddTelephoneEventAttributes(media, TelephoneEvent8k, 8000);
        }
        media.Attributes.Add(new SdpAttribute("ptime", LocalAudioEndpoint.Ptime.ToString(CultureInfo.InvariantCulture)));
        media.Attributes.Add(new SdpAttribute("sendrecv", null));
        media.Attributes.Add(new SdpAttribute("rtcp-mux", null));
        // RFC 6464 levels let the mixer skip decoding quiet participants; we only receive them (RFC 8285 §5).
        media.Attributes.Add(new SdpAttribute("extmap",
            $"{OfferedAudioLevelId.ToString(CultureInfo.InvariantCulture)}/recvonly {Rtp.AudioLevelExtension.Uri}"));
        var crypto = new Dictionary<int, (SrtpSuite, byte[])>();
        if (secure)
        {
            // A key per line: each suite may be chosen, and keys are never shared between them.
            var tag = 1;
            foreach (var suite in new[] { SrtpSuite.AesCm128HmacSha1_80, SrtpSuite.AesCm128HmacSha1_32 })
            {
                var key = SdesCrypto.NewKeyMaterial();
                crypto[tag] = (suite, key);
                media.Attributes.Add(new SdpAttribute("crypto", SdesCrypto.Format(tag, suite, key)));
                tag++;
            }
        }
        var description = new SessionDescription
        {
            Origin = local.OriginLine,
            SessionName = "Sparkle",
            Connection = local.ConnectionLine,
        };
        description.Media.Add(media);
        if (local.Video is not { } video)
        {
            return new SdpOffer(description, payloadTypes, crypto, secure);
        }
        description.Media.Add(SdpVideoRules.CreateOffer(video, secure, out var videoPayloadTypes, out var videoCrypto));
        return new SdpOffer(description, payloadTypes, crypto, secure) { VideoPayloadTypes = videoPayloadTypes, VideoCrypto = videoCrypto };
    }

    public static SdpNegotiationResult Complete(SdpOffer offer, string answerText) =>
        SessionDescription.TryParse(answerText, out var answer, out var error)
            ? Complete(offer, answer)
            : SdpNegotiationResult.Fail($"unparseable SDP: {error}");

    public static SdpNegotiationResult Complete(SdpOffer offer, SessionDescription answer)
    {
        // RFC 3264 §6 wants one m= line per offered one; a peer that leaves our video line out (some
        // canned answers do) has rejected it, which is how we read it.
        if (answer.Media.Count == 0 || answer.Media.Count > offer.Description.Media.Count)
        {
            return SdpNegotiationResult.Fail("the answer does not have one m= line per offered one");
        }
        var answered = answer.Media[0];
        if (answered.Media != "audio" || answered.IsRejected)
        {
            return SdpNegotiationResult.Fail("the audio stream was rejected");
        }
        (int PayloadType, AudioCodec Codec)? chosen = null;
        foreach (var format in answered.Formats)
        {
            if (int.TryParse(format, NumberStyles.None, CultureInfo.InvariantCulture, out var pt)
                && offer.PayloadTypes.TryGetValue(pt, out var codec))
            {
                chosen = (pt, codec);
                break;
            }
        }
        if (chosen is not { } selected)
        {
            return SdpNegotiationResult.Fail("the answer chose no codec we offered");
        }
        SrtpKeys? keys = null;
        if (offer.Secure)
        {
            foreach (var line in answered.Find("crypto"))
            {
                if (SdesCrypto.TryParse(line.Value, out var crypto) && crypto.IsSupported(out var suite)
                    && offer.Crypto.TryGetValue(crypto.Tag, out var ours) && ours.Suite == suite)
                {
                    keys = new SrtpKeys(suite, ours.Key, crypto.KeyMaterial);
                    break;
                }
            }
            if (keys is null)
            {
                return SdpNegotiationResult.Fail("the answer accepted none of our crypto lines");
            }
        }
        var remoteRtp = SdpMediaRules.RemoteRtp(answer, answered);
        var direction = answer.DirectionFor(answered).Reverse();
        if (SdpMediaRules.IsHoldAddress(answer, answered))
        {
            direction &= ~MediaDirection.SendOnly;
        }
        var mux = answered.Has("rtcp-mux");
        var telephoneEvent = SdpMediaRules.FindTelephoneEvent(answered, selected.Codec.RtpClockRate());
        // The answerer may number the extension differently (RFC 8285 §6); its packets carry its number.
        var audioLevelId = Rtp.AudioLevelExtension.FindOffered(answered.Find("extmap").Select(a => a.Value));
        var audio = new NegotiatedAudio(
            selected.Codec,
            (byte)selected.PayloadType,
            telephoneEvent is { } te ? (byte)te : null,
            direction,
            remoteRtp,
            SdpMediaRules.RemoteRtcp(answered, remoteRtp, mux),
            mux,
            keys,
            audioLevelId);
        var video = answer.Media.Count > 1 && offer.VideoPayloadTypes.Count > 0
            ? SdpVideoRules.Complete(offer, answer, answer.Media[1])
            : null;
        return new SdpNegotiationResult(true, null, offer.Description, audio, video);
    }
}
