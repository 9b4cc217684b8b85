using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Sparkle.Grains.Media;
using Sparkle.Media.Sdp;
using Sparkle.Media.Transport;
using Sparkle.MediaWorker.Telemetry;
using Sparkle.ServiceDefaults.Telemetry;

namespace Sparkle.MediaWorker.Engine;

public sealed partial class MediaEngine
{
    public async Task<LegAllocation> AllocateLegAsync(LegRequest request)
    {
        // A child of the meeting grain's call, so the SIP INVITE's trace reaches the worker.
        using var activity = WorkerTelemetry.Source.StartActivity("media.allocate_leg", ActivityKind.Server, OrleansTraceContext.FromRequestContext());
        activity?.SetTag("sparkle.meeting_id", request?.MeetingId.ToString());
        if (request is null || string.IsNullOrWhiteSpace(request.ParticipantId))
        {
            return Failed("a leg needs a participant id");
        }
        // A participant joining again (a new call from the same person) replaces the old leg.
        await ReleaseLegAsync(request.MeetingId, request.ParticipantId);
        if (request.WebRtc)
        {
            return AllocateWebRtcLeg(request);
        }

        SessionDescription? offer = null;
        if (request.RemoteSdp is not null && !SessionDescription.TryParse(request.RemoteSdp, out offer, out var parseError))
        {
            _logger.LogInformation("Meeting {MeetingId}: offer from {ParticipantId} refused: unparseable SDP: {Error}", request.MeetingId, request.ParticipantId, parseError);
            return Failed($"unparseable SDP: {parseError}");
        }
        // A video port pair only when there is video to answer (or to offer).
        var wantsVideo = _videoOptions is not null && (offer is null ? _options.Video.Offer : OffersVideo(offer));

        RtpSocketPair? videoSockets = null;
        if (!TryAllocateLegPorts(out var sockets, out var refusal))
        {
            return Failed(refusal);
        }
        if (wantsVideo)
        {
            lock (_lock)
            {
                videoSockets = TryAllocateVideoPorts();
            }
        }
        var local = new LocalAudioEndpoint(_options.MediaAddress, sockets.Port, request.SrtpRequired, NewSessionId(), 1)
        {
            Video = videoSockets is null ? null : LocalVideo(videoSockets.Port),
        };
        var observer = new LegObserver(request.MeetingId, _events);
        var transport = new AudioLegTransport(request.ParticipantId, sockets, NewSsrc(), observer);
        var leg = new LegState(request.ParticipantId, request.DisplayName ?? "", transport, local)
        {
            Video = videoSockets is null ? null : new VideoLegTransport(request.ParticipantId, videoSockets, NewSsrc(), observer),
        };

        NegotiatedAudio? audio = null;
        NegotiatedVideo? video = null;
        if (offer is not null)
        {
            var result = SdpAnswerer.Answer(offer, local);
            if (!result.Ok)
            {
                await DisposeTransportsAsync(leg);
                _logger.LogInformation("Meeting {MeetingId}: offer from {ParticipantId} refused: {Error}", request.MeetingId, request.ParticipantId, result.Error);
                return Failed(result.Error);
            }
            leg.LocalSdp = result.LocalDescription!.ToString();
            audio = result.Audio;
            video = result.Video;
        }
        else
        {
            leg.PendingOffer = SdpOfferer.CreateOffer(local);
            leg.LocalSdp = leg.PendingOffer.ToString();
        }

        VideoLegTransport? unused = null;
        lock (_lock)
        {
            var meeting = GetOrCreateMeeting(request.MeetingId);
            meeting.Legs[leg.ParticipantId] = leg;
            _activeLegs++;
            if (audio is not null)
            {
                unused = Activate(meeting, leg, audio, video);
            }
        }
        if (unused is not null)
        {
            await unused.DisposeAsync();
        }
        _logger.LogInformation("Meeting {MeetingId}: leg {ParticipantId} on port {Port} ({Mode}{Video})", request.MeetingId,
            request.ParticipantId, sockets.Port, audio is null ? "offer" : $"{audio.Codec}{(audio.Srtp is null ? "" : ", SRTP")}",
            video is null ? "" : $"; video {video.Codec} on port {leg.Video?.LocalPort}{(video.Srtp is null ? "" : ", SRTP")}");
        return Allocated(leg);
    }

    public async Task<LegAllocation> CompleteLegAsync(Guid meetingId, string participantId, string remoteSdp)
    {
        VideoLegTransport? unused;
        LegState? leg;
        lock (_lock)
        {
            if (!_meetings.TryGetValue(meetingId, out var meeting) || !meeting.Legs.TryGetValue(participantId ?? "", out leg))
            {
                return Failed("no such leg");
            }
            if (leg.PendingOffer is null)
            {
                // Already complete: an answer again is treated as a new offer would be wrong; ignore it.
                return Allocated(leg);
            }
            var result = SdpOfferer.Complete(leg.PendingOffer, remoteSdp ?? "");
            if (!result.Ok)
            {
                return Failed(result.Error);
            }
            leg.PendingOffer = null;
            unused = Activate(meeting, leg, result.Audio!, result.Video);
            _logger.LogInformation("Meeting {MeetingId}: leg {ParticipantId} answered ({Codec}{Video})", meetingId, participantId,
                result.Audio!.Codec, result.Video is { } video ? $"; video {video.Codec}" : "");
        }
        if (unused is not null)
        {
            await unused.DisposeAsync();
        }
        return Allocated(leg);
    }

    public async Task<LegAllocation> RenegotiateLegAsync(Guid meetingId, string participantId, string remoteSdp)
    {
        if (!SessionDescription.TryParse(remoteSdp, out var offer, out var parseError))
        {
            return Failed($"unparseable SDP: {parseError}");
        }
        VideoLegTransport? unused = null;
        LegState? leg;
        SdpNegotiationResult result;
        lock (_lock)
        {
            if (!_meetings.TryGetValue(meetingId, out var meeting) || !meeting.Legs.TryGetValue(participantId ?? "", out leg))
            {
                return Failed("no such leg");
            }
            // Video added by a re-INVITE gets its port pair now.
            VideoLegTransport? added = null;
            if (leg.Video is null && _videoOptions is not null && OffersVideo(offer) && TryAllocateVideoPorts() is { } pair)
            {
                added = leg.Video = new VideoLegTransport(leg.ParticipantId, pair, NewSsrc(), new LegObserver(meetingId, _events));
            }
            // The same session, one version further (RFC 3264 §8); a refused offer leaves the old one in force.
            var local = leg.Local with
            {
                SessionVersion = leg.Local.SessionVersion + 1,
                Video = leg.Video is null ? null : leg.Local.Video ?? LocalVideo(leg.Video.LocalPort),
            };
            result = SdpAnswerer.Answer(offer, local);
            if (result.Ok)
            {
                leg.Local = local;
                leg.PendingOffer = null;
                leg.LocalSdp = result.LocalDescription!.ToString();
                unused = Activate(meeting, leg, result.Audio!, result.Video);
            }
            else if (added is not null)
            {
                leg.Video = null;
                unused = added;
            }
        }
        if (unused is not null)
        {
            await unused.DisposeAsync();
        }
        return result.Ok ? Allocated(leg) : Failed(result.Error);
    }

    /// <summary>Puts a negotiated leg into the mix and, with video, into the meeting's video conference
    /// (or updates both after a renegotiation). Returns a video transport that is no longer used, for the
    /// caller to dispose outside the lock.</summary>
    private VideoLegTransport? Activate(MeetingMedia meeting, LegState leg, NegotiatedAudio audio, NegotiatedVideo? video)
    {
        leg.Transport.Apply(audio);
        if (leg.MixerLeg is { } existing && existing.Codec != audio.Codec)
        {
            leg.Transport.Attach(null);
            meeting.Mixer.RemoveLeg(existing);
            leg.MixerLeg = null;
        }
        if (leg.MixerLeg is null)
        {
            leg.MixerLeg = meeting.Mixer.AddLeg(leg.ParticipantId, audio.Codec, leg.Transport);
            if (meeting.Recorder is { WantsLegAudio: true } recorder)
            {
                leg.MixerLeg.AddTap(recorder);
            }
        }
        leg.MixerLeg.Receiving = audio.Direction.Receives();
        leg.MixerLeg.Sending = audio.Direction.Sends();
        leg.Transport.Attach(leg.MixerLeg);
        if (!leg.Started)
        {
            leg.Transport.Start();
            leg.Started = true;
        }

        VideoLegTransport? unused = null;
        if (video is not null && leg.Video is { } transport)
        {
            transport.Apply(video);
            var conference = EnsureVideo(meeting);
            conference.AddParticipant(leg.ParticipantId, leg.DisplayName);
            conference.AttachVideo(leg.ParticipantId, transport);
            leg.VideoActive = true;
            if (!leg.VideoStarted)
            {
                transport.Start();
                leg.VideoStarted = true;
            }
        }
        else
        {
            // No video on this leg (now): a name tile for whoever watches.
            meeting.Video?.AddParticipant(leg.ParticipantId, leg.DisplayName);
            meeting.Video?.DetachVideo(leg.ParticipantId);
            unused = leg.Video;
            leg.Video = null;
            leg.VideoActive = false;
            leg.VideoStarted = false;
            leg.Local = leg.Local with { Video = null };
        }
        ApplyControl(meeting, leg);
        return unused;
    }

    /// <summary>A leg's port pair, unless the worker is full or out of ports.</summary>
    private bool TryAllocateLegPorts([System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out RtpSocketPair? sockets, out string? refusal)
    {
        sockets = null;
        refusal = null;
        lock (_lock)
        {
            if (_activeLegs >= _options.CapacityLegs)
            {
                refusal = "the media worker is full";
                return false;
            }
            try
            {
                sockets = _ports.Allocate();
                return true;
            }
            catch (InvalidOperationException e)
            {
                refusal = e.Message;
                return false;
            }
        }
    }

    private static bool OffersVideo(SessionDescription offer) => offer.Media.Any(m => m.Media == "video" && !m.IsRejected);

    private RtpSocketPair? TryAllocateVideoPorts()
    {
        try
        {
            return _ports.Allocate();
        }
        catch (InvalidOperationException e)
        {
            // Audio still works: the video stream is rejected.
            _logger.LogWarning("No RTP ports for video: {Message}", e.Message);
            return null;
        }
    }

    private LocalVideoEndpoint LocalVideo(int port) => new(port) { ReceiveBitrateKbps = _options.Video.ReceiveBitrateKbps };

    private static async Task DisposeTransportsAsync(LegState leg)
    {
        // A bundle stops handing packets to the transports first; its socket closes after their RTCP BYE.
        leg.WebRtc?.StopReceiving();
        await leg.Transport.DisposeAsync();
        if (leg.Video is { } video)
        {
            await video.DisposeAsync();
        }
        if (leg.WebRtc is { } bundle)
        {
            await bundle.DisposeAsync();
        }
    }

    private static LegAllocation Allocated(LegState leg) =>
        new(true, leg.LocalSdp, null, leg.Transport.Ssrc, leg.VideoActive ? leg.Video?.Ssrc : null);

    private static LegAllocation Failed(string? error) => new(false, null, error ?? "media not acceptable");
}
