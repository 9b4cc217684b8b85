using System.Collections.Concurrent;
using System.Diagnostics;
using Sparkle.Grains.Media;
using Sparkle.ServiceDefaults.Telemetry;

namespace Sparkle.Grains.Tests.Infrastructure;

/// <summary>Stands in for a media-worker process: answers with canned SDP and records every command.
/// An offer containing "reject" is refused as a media worker would refuse an unusable offer; one containing
/// "audio-only" gets a leg without video.</summary>
public sealed class FakeMediaWorker : IMediaWorker
{
    public ConcurrentQueue<LegRequest> Allocations { get; } = new();
    public ConcurrentQueue<(Guid MeetingId, string ParticipantId, string Sdp)> Completions { get; } = new();
    public ConcurrentQueue<(Guid MeetingId, string ParticipantId, LegControl Control)> Controls { get; } = new();
    public ConcurrentQueue<(Guid MeetingId, string ParticipantId)> Releases { get; } = new();
    public ConcurrentQueue<(Guid MeetingId, VideoLayoutControl Layout)> Layouts { get; } = new();
    public ConcurrentQueue<Guid> ReleasedMeetings { get; } = new();
    public ConcurrentQueue<(Guid MeetingId, string ParticipantId)> KeyFrameRequests { get; } = new();
    public ConcurrentQueue<(Guid MeetingId, Sparkle.Grains.Recordings.RecordingOrder Order)> RecordingStarts { get; } = new();
    public ConcurrentQueue<Guid> RecordingStops { get; } = new();
    public ConcurrentQueue<(Guid MeetingId, string ParticipantId, ReplayClip Clip)> Replays { get; } = new();

    public static string AnswerFor(string participantId) => $"v=0\r\ns=answer {participantId}\r\n";
    public static string OfferFor(string participantId) => $"v=0\r\ns=offer {participantId}\r\n";

    /// <summary>The trace context each allocation arrived with, read as the real worker reads it.</summary>
    public ConcurrentQueue<(LegRequest Request, ActivityContext Trace)> AllocationTraces { get; } = new();

    public Task<LegAllocation> AllocateLegAsync(LegRequest request)
    {
        Allocations.Enqueue(request);
        AllocationTraces.Enqueue((request, OrleansTraceContext.FromRequestContext()));
        if (request.RemoteSdp?.Contains("reject", StringComparison.Ordinal) == true)
        {
            return Task.FromResult(new LegAllocation(false, null, "no common codec", ErrorCode: request.WebRtc ? "NoSupportedCodec" : null));
        }

        var sdp = request.RemoteSdp is null ? OfferFor(request.ParticipantId) : AnswerFor(request.ParticipantId);
        LiveLegs[(request.MeetingId, request.ParticipantId)] = true;
        var audioOnly = request.RemoteSdp?.Contains("audio-only", StringComparison.Ordinal) == true;
        return Task.FromResult(new LegAllocation(true, sdp, null, 1000, audioOnly ? null : 2000));
    }

    public Task<LegAllocation> CompleteLegAsync(Guid meetingId, string participantId, string remoteSdp)
    {
        Completions.Enqueue((meetingId, participantId, remoteSdp));
        return Task.FromResult(remoteSdp.Contains("reject", StringComparison.Ordinal)
            ? new LegAllocation(false, null, "no common codec")
            : new LegAllocation(true, null, null));
    }

    public Task<LegAllocation> RenegotiateLegAsync(Guid meetingId, string participantId, string remoteSdp) =>
        Task.FromResult(new LegAllocation(true, AnswerFor(participantId), null));

    public Task ControlLegAsync(Guid meetingId, string participantId, LegControl control)
    {
        Controls.Enqueue((meetingId, participantId, control));
        return Task.CompletedTask;
    }

    public Task<bool> RequestKeyFrameAsync(Guid meetingId, string participantId)
    {
        KeyFrameRequests.Enqueue((meetingId, participantId));
        return Task.FromResult(true);
    }

    /// <summary>Legs allocated and not released (what a real worker's heartbeat reports as its active legs).</summary>
    public ConcurrentDictionary<(Guid MeetingId, string ParticipantId), bool> LiveLegs { get; } = new();

    public Task ReleaseLegAsync(Guid meetingId, string participantId)
    {
        LiveLegs.TryRemove((meetingId, participantId), out _);
        Releases.Enqueue((meetingId, participantId));
        return Task.CompletedTask;
    }

    public Task SetLayoutAsync(Guid meetingId, VideoLayoutControl layout)
    {
        Layouts.Enqueue((meetingId, layout));
        return Task.CompletedTask;
    }

    public Task ReleaseMeetingAsync(Guid meetingId)
    {
        ReleasedMeetings.Enqueue(meetingId);
        return Task.CompletedTask;
    }

    /// <summary>A killed process: probes fail as a refused connection would (its fixture also stops its heartbeats).</summary>
    public bool Dead { get; set; }

    public Task<MediaWorkerInfo> PingAsync() => Dead
        ? Task.FromException<MediaWorkerInfo>(new InvalidOperationException("the worker process is gone"))
        : Task.FromResult(new MediaWorkerInfo("fake", "127.0.0.1", ClusterFixture.WorkerCapacity, 0, 0, DateTimeOffset.UtcNow));

    /// <summary>Like the real worker, it records only a meeting it holds a leg of.</summary>
    public Task StartRecordingAsync(Guid meetingId, Sparkle.Grains.Recordings.RecordingOrder order)
    {
        if (!LiveLegs.Keys.Any(k => k.MeetingId == meetingId))
        {
            throw new InvalidOperationException("No media for this meeting on this worker");
        }

        RecordingStarts.Enqueue((meetingId, order));
        return Task.CompletedTask;
    }

    public Task<bool> StopRecordingAsync(Guid meetingId)
    {
        RecordingStops.Enqueue(meetingId);
        return Task.FromResult(true);
    }

    public Task<bool> PlayIntoLegAsync(Guid meetingId, string participantId, ReplayClip clip)
    {
        Replays.Enqueue((meetingId, participantId, clip));
        return Task.FromResult(true);
    }

    /// <summary>What <see cref="GetPreviewAsync"/> answers per meeting (none: null, as for a meeting without video).</summary>
    public ConcurrentDictionary<Guid, PreviewPicture> Previews { get; } = new();

    public ConcurrentQueue<Guid> PreviewRequests { get; } = new();

    public Task<PreviewPicture?> GetPreviewAsync(Guid meetingId)
    {
        PreviewRequests.Enqueue(meetingId);
        return Task.FromResult(Previews.TryGetValue(meetingId, out var picture) ? picture : null);
    }

    /// <summary>Open cascade trunk ends, by (meeting, peer worker), with the peer they were connected to (null until then).</summary>
    public ConcurrentDictionary<(Guid MeetingId, string PeerWorkerId), TrunkEndpoint?> Trunks { get; } = new();

    public Task<TrunkEndpoint> OpenTrunkAsync(TrunkRequest request)
    {
        Trunks[(request.MeetingId, request.PeerWorkerId)] = null;
        return Task.FromResult(new TrunkEndpoint("fake", "127.0.0.1", 40000, new byte[30]));
    }

    public Task<bool> ConnectTrunkAsync(Guid meetingId, string peerWorkerId, TrunkEndpoint peer)
    {
        var key = (meetingId, peerWorkerId);
        if (!Trunks.ContainsKey(key))
        {
            return Task.FromResult(false);
        }
        Trunks[key] = peer;
        return Task.FromResult(true);
    }

    public Task CloseTrunkAsync(Guid meetingId, string peerWorkerId)
    {
        Trunks.TryRemove((meetingId, peerWorkerId), out _);
        return Task.CompletedTask;
    }

    /// <summary>What <see cref="GetLegQualityAsync"/> answers per (meeting, participant); none: null, as for a leg not here.</summary>
    public ConcurrentDictionary<(Guid MeetingId, string ParticipantId), LegQuality> Qualities { get; } = new();

    public Task<LegQuality?> GetLegQualityAsync(Guid meetingId, string participantId) =>
        Task.FromResult(Qualities.TryGetValue((meetingId, participantId), out var quality) ? quality : null);
}
