using System.Net;
using Microsoft.Extensions.Logging;
using Sparkle.Grains.Media;
using Sparkle.Media.Cascade;
using Sparkle.Media.Codecs;
using Sparkle.Media.Transport;

namespace Sparkle.MediaWorker.Engine;

/// <summary>Cascade trunks (media-workers/ARCHITECTURE.md, "Cascade trunk"): a meeting spread over several workers in a
/// star, each spoke linked to the home worker by one trunk. A trunk end is a participant of this worker's mixer, so each
/// side hears the other's mix of its own speakers exactly once and never its own voice back.</summary>
public sealed partial class MediaEngine
{
    /// <summary>The mixer's name for a trunk leg: not a participant id anyone can have (they never start with ':').</summary>
    private static string TrunkLegId(string peerWorkerId) => ":trunk:" + peerWorkerId;

    public async Task<TrunkEndpoint> OpenTrunkAsync(TrunkRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (string.IsNullOrWhiteSpace(request.PeerWorkerId))
        {
            throw new ArgumentException("A trunk needs the peer worker's id.", nameof(request));
        }
        // Opening again replaces the old end (the trunk is being re-established).
        await CloseTrunkAsync(request.MeetingId, request.PeerWorkerId, keepMeeting: true);
        var transport = new TrunkTransport(_ports.Allocate());
        TrunkEnd end;
        lock (_lock)
        {
            var meeting = GetOrCreateMeeting(request.MeetingId);
            var mixerLeg = meeting.Mixer.AddLeg(TrunkLegId(request.PeerWorkerId), AudioCodec.Opus, transport);
            transport.Attach(mixerLeg);
            end = new TrunkEnd(request.PeerWorkerId, request.Home, transport, mixerLeg);
            meeting.Trunks[request.PeerWorkerId] = end;
        }
        transport.Start();
        _logger.LogInformation("Meeting {MeetingId}: trunk to {Peer} opened on port {Port} ({Role})", request.MeetingId, request.PeerWorkerId,
            transport.LocalPort, request.Home ? "home" : "spoke");
        return new TrunkEndpoint(_options.WorkerId, _options.MediaAddress, transport.LocalPort, transport.SendKey.ToArray());
    }

    public Task<bool> ConnectTrunkAsync(Guid meetingId, string peerWorkerId, TrunkEndpoint peer)
    {
        ArgumentNullException.ThrowIfNull(peer);
        if (!IPAddress.TryParse(peer.Address, out var address) || peer.Port is < 1 or > 65535 || peer.SendKey is not { Length: 30 })
        {
            throw new ArgumentException("A trunk peer needs an IP address, a port and a 30-byte SRTP key.", nameof(peer));
        }
        TrunkEnd? end;
        lock (_lock)
        {
            if (!_meetings.TryGetValue(meetingId, out var meeting) || !meeting.Trunks.TryGetValue(peerWorkerId ?? "", out end))
            {
                return Task.FromResult(false);
            }
        }
        end.Transport.Connect(new IPEndPoint(address, peer.Port), peer.SendKey);
        _logger.LogInformation("Meeting {MeetingId}: trunk to {Peer} connected to {Address}:{Port}", meetingId, peerWorkerId, peer.Address, peer.Port);
        return Task.FromResult(true);
    }

    public Task CloseTrunkAsync(Guid meetingId, string peerWorkerId) => CloseTrunkAsync(meetingId, peerWorkerId, keepMeeting: false);

    private async Task CloseTrunkAsync(Guid meetingId, string peerWorkerId, bool keepMeeting)
    {
        TrunkEnd? end;
        MeetingMedia? emptied = null;
        lock (_lock)
        {
            if (!_meetings.TryGetValue(meetingId, out var meeting) || !meeting.Trunks.Remove(peerWorkerId ?? "", out end))
            {
                return;
            }
            end.Transport.Attach(null);
            meeting.Mixer.RemoveLeg(end.MixerLeg);
            if (meeting.Empty && !keepMeeting)
            {
                _meetings.Remove(meetingId);
                emptied = meeting;
            }
        }
        await end.Transport.DisposeAsync();
        if (emptied is not null)
        {
            DisposeMeeting(emptied);
        }
        _logger.LogInformation("Meeting {MeetingId}: trunk to {Peer} closed (rtp in {In} out {Out}, srtp failures {Auth}, garbage {Garbage})",
            meetingId, peerWorkerId, end.Transport.Counters.RtpReceived, end.Transport.Counters.RtpSent,
            end.Transport.Counters.AuthenticationFailures + end.Transport.Counters.Replays, end.Transport.Counters.Garbage);
    }

    /// <summary>Counters of a meeting's trunk end, or null (for logs, tests and the benchmark).</summary>
    public TrunkCounters? TrunkCounters(Guid meetingId, string peerWorkerId)
    {
        lock (_lock)
        {
            return _meetings.TryGetValue(meetingId, out var meeting) && meeting.Trunks.TryGetValue(peerWorkerId, out var end)
                ? end.Transport.Counters
                : null;
        }
    }

    /// <summary>RTCP with the source names on every trunk; a trunk whose peer went quiet is logged (the grain
    /// re-establishes it; meanwhile both sides keep mixing their own).</summary>
    private void TrunkHousekeeping()
    {
        List<(Guid Meeting, TrunkEnd End)> trunks;
        lock (_lock)
        {
            trunks = [.. _meetings.Values.SelectMany(m => m.Trunks.Values.Select(t => (m.MeetingId, t)))];
        }
        var silentAfter = TimeSpan.FromSeconds(_options.SilentAfterSeconds);
        foreach (var (meetingId, end) in trunks)
        {
            end.Transport.Housekeeping();
            var quiet = end.Transport.SinceLastPacket;
            if (end.Transport.Connected && !end.ReportedSilent && quiet > silentAfter && quiet != TimeSpan.MaxValue)
            {
                end.ReportedSilent = true;
                _logger.LogWarning("Meeting {MeetingId}: nothing from the trunk to {Peer} for {Seconds} s", meetingId, end.PeerWorkerId, (int)quiet.TotalSeconds);
            }
            else if (end.ReportedSilent && quiet < TimeSpan.FromSeconds(1))
            {
                end.ReportedSilent = false;
                _logger.LogInformation("Meeting {MeetingId}: the trunk to {Peer} carries media again", meetingId, end.PeerWorkerId);
            }
        }
    }
}
