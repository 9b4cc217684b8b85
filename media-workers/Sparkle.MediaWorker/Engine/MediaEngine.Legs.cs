using Microsoft.Extensions.Logging;
using Sparkle.Grains.Media;
using Sparkle.Media.Sdp;
using Sparkle.Media.Transport;

namespace Sparkle.MediaWorker.Engine;

public sealed partial class MediaEngine
{
    public async Task<LegAllocation> AllocateLegAsync(LegRequest request)
    {
        if (request is null || string.IsNullOrWhiteSpace(request.ParticipantId))
        {
            return Failed("a leg needs a participant id");
        }
        // A participant joining again (a new call from the same person) replaces the old leg.
        await ReleaseLegAsync(request.MeetingId, request.ParticipantId);

        RtpSocketPair sockets;
        lock (_lock)
        {
            if (_activeLegs >= _options.CapacityLegs)
            {
                return Failed("the media worker is full");
            }
            try
            {
                sockets = _ports.Allocate();
            }
            catch (InvalidOperationException e)
            {
                return Failed(e.Message);
            }
        }
        var local = new LocalAudioEndpoint(_options.MediaAddress, sockets.Port, request.SrtpRequired, NewSessionId(), 1);
        var transport = new AudioLegTransport(request.ParticipantId, sockets, NewSsrc(), new LegObserver(request.MeetingId, _events));
        var leg = new LegState(request.ParticipantId, transport, local);

        NegotiatedAudio? audio = null;
        if (request.RemoteSdp is not null)
        {
            var result = SdpAnswerer.Answer(request.RemoteSdp, local);
            if (!result.Ok)
            {
                await transport.DisposeAsync();
                _logger.LogInformation("Meeting {MeetingId}: offer from {ParticipantId} refused: {Error}", request.MeetingId, request.ParticipantId, result.Error);
                return Failed(result.Error);
            }
            leg.LocalSdp = result.LocalDescription!.ToString();
            audio = result.Audio;
        }
        else
        {
            leg.PendingOffer = SdpOfferer.CreateOffer(local);
            leg.LocalSdp = leg.PendingOffer.ToString();
        }

        lock (_lock)
        {
            var meeting = GetOrCreateMeeting(request.MeetingId);
            meeting.Legs[leg.ParticipantId] = leg;
            _activeLegs++;
            if (audio is not null)
            {
                Activate(meeting, leg, audio);
            }
        }
        _logger.LogInformation("Meeting {MeetingId}: leg {ParticipantId} on port {Port} ({Mode})", request.MeetingId,
            request.ParticipantId, sockets.Port, audio is null ? "offer" : $"{audio.Codec}{(audio.Srtp is null ? "" : ", SRTP")}");
        return new LegAllocation(true, leg.LocalSdp, null, transport.Ssrc);
    }

    public Task<LegAllocation> CompleteLegAsync(Guid meetingId, string participantId, string remoteSdp)
    {
        lock (_lock)
        {
            if (!_meetings.TryGetValue(meetingId, out var meeting) || !meeting.Legs.TryGetValue(participantId ?? "", out var leg))
            {
                return Task.FromResult(Failed("no such leg"));
            }
            if (leg.PendingOffer is null)
            {
                // Already complete: an answer again is treated as a new offer would be wrong; ignore it.
                return Task.FromResult(new LegAllocation(true, leg.LocalSdp, null, leg.Transport.Ssrc));
            }
            var result = SdpOfferer.Complete(leg.PendingOffer, remoteSdp ?? "");
            if (!result.Ok)
            {
                return Task.FromResult(Failed(result.Error));
            }
            leg.PendingOffer = null;
            Activate(meeting, leg, result.Audio!);
            return Task.FromResult(new LegAllocation(true, leg.LocalSdp, null, leg.Transport.Ssrc));
        }
    }

    public Task<LegAllocation> RenegotiateLegAsync(Guid meetingId, string participantId, string remoteSdp)
    {
        lock (_lock)
        {
            if (!_meetings.TryGetValue(meetingId, out var meeting) || !meeting.Legs.TryGetValue(participantId ?? "", out var leg))
            {
                return Task.FromResult(Failed("no such leg"));
            }
            // The same session, one version further (RFC 3264 §8); a refused offer leaves the old one in force.
            var local = leg.Local with { SessionVersion = leg.Local.SessionVersion + 1 };
            var result = SdpAnswerer.Answer(remoteSdp ?? "", local);
            if (!result.Ok)
            {
                return Task.FromResult(Failed(result.Error));
            }
            leg.Local = local;
            leg.PendingOffer = null;
            leg.LocalSdp = result.LocalDescription!.ToString();
            Activate(meeting, leg, result.Audio!);
            return Task.FromResult(new LegAllocation(true, leg.LocalSdp, null, leg.Transport.Ssrc));
        }
    }

    /// <summary>Puts a negotiated leg into the mix (or updates it after a renegotiation).</summary>
    private static void Activate(MeetingMedia meeting, LegState leg, NegotiatedAudio audio)
    {
        leg.Transport.Apply(audio);
        if (leg.MixerLeg is { } existing && existing.Codec != audio.Codec)
        {
            leg.Transport.Attach(null);
            meeting.Mixer.RemoveLeg(existing);
            leg.MixerLeg = null;
        }
        leg.MixerLeg ??= meeting.Mixer.AddLeg(leg.ParticipantId, audio.Codec, leg.Transport);
        leg.MixerLeg.Receiving = audio.Direction.Receives();
        leg.MixerLeg.Sending = audio.Direction.Sends();
        ApplyControl(leg);
        leg.Transport.Attach(leg.MixerLeg);
        if (!leg.Started)
        {
            leg.Transport.Start();
            leg.Started = true;
        }
    }

    private static LegAllocation Failed(string? error) => new(false, null, error ?? "media not acceptable");
}
