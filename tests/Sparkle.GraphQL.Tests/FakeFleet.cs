using Sparkle.Grains.Gateway;
using Sparkle.Grains.Media;

namespace Sparkle.GraphQL.Tests;

/// <summary>A media worker that answers every leg (with video unless the offer says "audio-only") and serves
/// a canned preview picture: enough for the API's preview and fleet tests without media.</summary>
public sealed class FakeMediaWorker : IMediaWorker
{
    public static readonly byte[] Jpeg = [0xFF, 0xD8, 0xFF, 0xE0, 0, 16, 0x4A, 0x46, 0x49, 0x46, 0, 0xFF, 0xD9];

    public Task<LegAllocation> AllocateLegAsync(LegRequest request) =>
        Task.FromResult(request.WebRtc && request.RemoteSdp?.Contains("no-fingerprint", StringComparison.Ordinal) == true
            ? new LegAllocation(false, null, "the offer has no DTLS fingerprint", ErrorCode: "NoFingerprint")
            : new LegAllocation(true, request.WebRtc ? "v=0\r\ns=webrtc answer\r\n" : "v=0\r\ns=fake\r\n", null, 1000,
                request.RemoteSdp?.Contains("audio-only", StringComparison.Ordinal) == true ? null : 2000));

    public Task<LegAllocation> CompleteLegAsync(Guid meetingId, string participantId, string remoteSdp) => Task.FromResult(new LegAllocation(true, null, null));

    public Task<LegAllocation> RenegotiateLegAsync(Guid meetingId, string participantId, string remoteSdp) => Task.FromResult(new LegAllocation(true, "v=0\r\n", null));

    public Task ControlLegAsync(Guid meetingId, string participantId, LegControl control) => Task.CompletedTask;

    public Task<bool> RequestKeyFrameAsync(Guid meetingId, string participantId) => Task.FromResult(true);

    public Task ReleaseLegAsync(Guid meetingId, string participantId) => Task.CompletedTask;

    public Task SetLayoutAsync(Guid meetingId, VideoLayoutControl layout) => Task.CompletedTask;

    public Task ReleaseMeetingAsync(Guid meetingId) => Task.CompletedTask;

    public Task<MediaWorkerInfo> PingAsync() => Task.FromResult(new MediaWorkerInfo("fake", "127.0.0.1", 1000, 0, 0, DateTimeOffset.UtcNow));

    public Task StartRecordingAsync(Guid meetingId, Sparkle.Grains.Recordings.RecordingOrder order) => Task.CompletedTask;

    public Task<bool> StopRecordingAsync(Guid meetingId) => Task.FromResult(false);

    public Task<bool> PlayIntoLegAsync(Guid meetingId, string participantId, ReplayClip clip) => Task.FromResult(false);

    public Task<PreviewPicture?> GetPreviewAsync(Guid meetingId) =>
        Task.FromResult<PreviewPicture?>(new PreviewPicture(Jpeg, 1280, 720, DateTimeOffset.UtcNow));

    public Task<TrunkEndpoint> OpenTrunkAsync(TrunkRequest request) => throw new NotSupportedException("This fake worker does not cascade.");

    public Task<bool> ConnectTrunkAsync(Guid meetingId, string peerWorkerId, TrunkEndpoint peer) => Task.FromResult(false);

    public Task CloseTrunkAsync(Guid meetingId, string peerWorkerId) => Task.CompletedTask;

    public Task<LegQuality?> GetLegQualityAsync(Guid meetingId, string participantId) => Task.FromResult<LegQuality?>(null);
}

public sealed class FakeSipGateway : ISipGateway
{
    public Task DialOutAsync(DialOutRequest request) => Task.CompletedTask;

    public Task HangUpAsync(Guid meetingId, string participantId) => Task.CompletedTask;
    public Task<string?> ReinviteAsync(Guid meetingId, string participantId, string offerSdp) => Task.FromResult<string?>(null);
}

/// <summary>Keeps a fake worker registered the way a real worker does, heartbeating every half second until disposed: the
/// registry drops a worker silent for 5 s, which a test on a loaded machine can outlast.</summary>
public sealed class FakeWorkerRegistration : IAsyncDisposable
{
    private readonly IMediaWorkerRegistryGrain _registry;
    private readonly MediaWorkerInfo _info;
    private readonly IMediaWorker _reference;
    private readonly (int Legs, int Meetings, double Cpu) _load;
    private readonly Timer _timer;

    private FakeWorkerRegistration(IMediaWorkerRegistryGrain registry, MediaWorkerInfo info, IMediaWorker reference, (int, int, double) load)
    {
        _registry = registry;
        _info = info;
        _reference = reference;
        _load = load;
        _timer = new Timer(_ => _ = BeatAsync(), null, TimeSpan.FromMilliseconds(500), TimeSpan.FromMilliseconds(500));
    }

    public static async Task<FakeWorkerRegistration> StartAsync(IClusterClient client, MediaWorkerInfo info, IMediaWorker reference, int legs = 0, int meetings = 0, double cpu = 0)
    {
        var registry = client.GetGrain<IMediaWorkerRegistryGrain>(0);
        await registry.RegisterAsync(info, reference);
        await registry.HeartbeatAsync(info.WorkerId, legs, meetings, cpu);
        return new FakeWorkerRegistration(registry, info, reference, (legs, meetings, cpu));
    }

    private async Task BeatAsync()
    {
        try
        {
            if (!await _registry.HeartbeatAsync(_info.WorkerId, _load.Legs, _load.Meetings, _load.Cpu))
            {
                await _registry.RegisterAsync(_info, _reference);
            }
        }
        catch (Exception)
        {
            // The cluster is shutting down.
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _timer.DisposeAsync();
        await _registry.UnregisterAsync(_info.WorkerId);
    }
}
