using System.Globalization;
using Microsoft.Extensions.Logging;
using Sparkle.Grains.Media;
using Sparkle.Grains.Meetings;
using Sparkle.Media.Sdp;
using Sparkle.Media.Transport;
using Sparkle.Media.WebRtc;

namespace Sparkle.MediaWorker.Engine;

/// <summary>Browsers' legs: the offer read and answered at once (the browser gathered every candidate first), then
/// in the background ICE and DTLS; the leg joins the mix and the composite with the keys DTLS exported, exactly as a
/// SIP leg does with SDES keys. A browser that never checks or fails the handshake is reported
/// (<see cref="MediaEventKind.LegFailed"/>) and its meeting hangs it up.</summary>
public sealed partial class MediaEngine
{
    // One certificate per worker process: browsers pin it per call through the answer's fingerprint.
    private readonly Lazy<DtlsCertificate> _dtlsCertificate = new(DtlsCertificate.CreateSelfSigned);

    private LegAllocation AllocateWebRtcLeg(LegRequest request)
    {
        if (!WebRtcOfferReader.TryRead(request.RemoteSdp ?? "", out var offer, out var error, out var message))
        {
            return Refused(request, error, message);
        }

        if (!TryAllocateLegPorts(out var sockets, out var refusal))
        {
            return Failed(refusal);
        }

        var ice = new IceLiteAgent(IceLiteAgent.NewUfrag(), IceLiteAgent.NewPassword(), offer!.IceUfrag);
        var audioSsrc = NewSsrc();
        var videoSsrc = NewSsrc();
        var local = new WebRtcLocalParameters(_options.MediaAddress, sockets.Port, TcpPort: null, ice.LocalUfrag, ice.LocalPassword,
            _dtlsCertificate.Value.Sha256Fingerprint, audioSsrc, videoSsrc, string.Create(CultureInfo.InvariantCulture, $"sparkle-{audioSsrc:x8}"),
            NewSessionId(), 1)
        {
            VideoEnabled = _videoOptions is not null,
            PreferredVideoCodec = _options.WebRtc.PreferredVideoCodec,
            ReceiveBitrateKbps = _options.Video.ReceiveBitrateKbps,
        };
        if (!WebRtcAnswerer.TryAnswer(offer, local, out var answer, out error, out message) || answer!.Audio is null)
        {
            sockets.Dispose();
            return answer is { Audio: null }
                ? Refused(request, WebRtcOfferError.NoSupportedCodec, "an audio stream with Opus is needed, even receive-only")
                : Refused(request, error, message);
        }

        var shared = RtpSocketPair.Bundled(sockets.Rtp, sockets.Port);
        var observer = new LegObserver(request.MeetingId, _events);
        var audio = new AudioLegTransport(request.ParticipantId, shared, audioSsrc, observer);
        var video = answer.Video is null ? null : new VideoLegTransport(request.ParticipantId, shared, videoSsrc, observer);
        var bundle = new WebRtcBundle(sockets, ice, _dtlsCertificate.Value, offer.FingerprintAlgorithm, offer.Fingerprint, audio, video, answer);
        var leg = new LegState(request.ParticipantId, request.DisplayName ?? "", audio,
            new LocalAudioEndpoint(_options.MediaAddress, sockets.Port, SrtpRequired: true, local.SessionId, local.SessionVersion))
        {
            Video = video,
            WebRtc = bundle,
            LocalSdp = answer.Sdp,
        };
        lock (_lock)
        {
            GetOrCreateMeeting(request.MeetingId).Legs[leg.ParticipantId] = leg;
            _activeLegs++;
        }
        bundle.Start();
        _ = ConnectWebRtcAsync(request.MeetingId, leg, bundle, answer);
        _logger.LogInformation("Meeting {MeetingId}: WebRTC leg {ParticipantId} on port {Port} (Opus{Video}), waiting for ICE and DTLS",
            request.MeetingId, request.ParticipantId, sockets.Port, answer.Video is { } v ? $"; video {v.Codec} {v.Direction}" : "");
        return new LegAllocation(true, answer.Sdp, null, audioSsrc, answer.Video is null ? null : videoSsrc);
    }

    private async Task ConnectWebRtcAsync(Guid meetingId, LegState leg, WebRtcBundle bundle, WebRtcAnswer answer)
    {
        SrtpKeys keys;
        try
        {
            keys = await bundle.ConnectAsync(TimeSpan.FromSeconds(_options.WebRtc.ConnectTimeoutSeconds), CancellationToken.None);
        }
        catch (Exception e) when (e is TimeoutException or DtlsFailedException or OperationCanceledException)
        {
            if (IsCurrent(meetingId, leg))
            {
                _logger.LogInformation("Meeting {MeetingId}: WebRTC leg {ParticipantId} failed: {Reason}", meetingId, leg.ParticipantId, e.Message);
                _events.Publish(new MediaEvent(meetingId, leg.ParticipantId, MediaEventKind.LegFailed, e.Message));
            }
            return;
        }

        var remote = bundle.RemoteEndPoint;
        var srtp = keys with { RtcpUnprotectedUpstream = true };
        VideoLegTransport? unused = null;
        lock (_lock)
        {
            if (!_meetings.TryGetValue(meetingId, out var meeting) || !meeting.Legs.TryGetValue(leg.ParticipantId, out var current) || current != leg)
            {
                return; // released while it connected
            }
            unused = Activate(meeting, leg,
                answer.Audio! with { RemoteRtp = remote, RemoteRtcp = remote, Srtp = srtp },
                answer.Video is { } video && leg.Video is not null ? video with { RemoteRtp = remote, RemoteRtcp = remote, Srtp = srtp } : null);
            // Only now that both transports hold their keys may the bundle hand them media.
            bundle.Secure(keys);
        }
        if (unused is not null)
        {
            await unused.DisposeAsync();
        }
        bundle.Closed += () => _events.Publish(new MediaEvent(meetingId, leg.ParticipantId, MediaEventKind.LegClosed, null));
        _logger.LogInformation("Meeting {MeetingId}: WebRTC leg {ParticipantId} connected from {Remote}", meetingId, leg.ParticipantId, remote);
    }

    private bool IsCurrent(Guid meetingId, LegState leg)
    {
        lock (_lock)
        {
            return _meetings.TryGetValue(meetingId, out var meeting) && meeting.Legs.TryGetValue(leg.ParticipantId, out var current) && current == leg;
        }
    }

    private LegAllocation Refused(LegRequest request, WebRtcOfferError error, string? message)
    {
        _logger.LogInformation("Meeting {MeetingId}: WebRTC offer from {ParticipantId} refused: {Error} {Message}", request.MeetingId,
            request.ParticipantId, error, message);
        return new LegAllocation(false, null, message ?? error.ToString(), ErrorCode: error.ToString());
    }
}
