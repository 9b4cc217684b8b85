using System.Collections.Concurrent;
using System.Diagnostics;
using Sparkle.Grains.Meetings;
using Sparkle.Grains.Tests.Infrastructure;

namespace Sparkle.Grains.Tests.Meetings;

/// <summary>One trace follows a call: the caller's span (the gateway's INVITE in production), the meeting
/// grain's span for JoinAsync, and the trace context the media worker receives with AllocateLegAsync. The
/// activities are the real ones Orleans makes on the real TestCluster, seen through an ActivityListener.</summary>
[Collection(ClusterCollection.Name)]
public sealed class CallTraceTests : IDisposable
{
    private const string CallerSource = "Sparkle.Tests.Caller";
    private static readonly ActivitySource s_caller = new(CallerSource);
    private readonly ClusterFixture _fixture;
    private readonly ConcurrentQueue<Activity> _stopped = new();
    private readonly ActivityListener _listener;

    public CallTraceTests(ClusterFixture fixture)
    {
        _fixture = fixture;
        _listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == CallerSource || source.Name.StartsWith("Microsoft.Orleans", StringComparison.Ordinal),
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = _stopped.Enqueue,
        };
        ActivitySource.AddActivityListener(_listener);
    }

    public void Dispose() => _listener.Dispose();

    [Fact]
    public async Task TheGrainCallAndTheWorkersLegAllocationAreChildrenOfTheCallersSpan()
    {
        var t = await TestTenant.CreateAsync(_fixture.Grains);
        var meetingId = Guid.NewGuid();
        var meeting = _fixture.Grains.GetGrain<IMeetingGrain>(meetingId);
        await meeting.CreateAsync(t.Chair, new MeetingSpec("Traced", []));

        ActivityTraceId traceId;
        JoinResult result;
        using (var invite = s_caller.StartActivity("sip.invite", ActivityKind.Server)!)
        {
            traceId = invite.TraceId;
            result = await meeting.JoinAsync(t.System, new JoinRequest($"call-{Guid.NewGuid():N}", "sip:1004@example.test", "Caller", "1004",
                "v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\n", new LegSecurity(false, false), "gw-1"));
        }
        Assert.True(result.Accepted, result.Reason);

        // The silo's span of JoinAsync: same trace, a server span under the client's outgoing call span.
        static bool IsJoin(Activity a) => a.Kind == ActivityKind.Server && a.DisplayName.Contains(nameof(IMeetingGrain.JoinAsync), StringComparison.Ordinal);
        await Eventually.WaitAsync(() => _stopped.Any(a => a.TraceId == traceId && IsJoin(a)), "the grain's span to end");
        var spans = _stopped.Where(a => a.TraceId == traceId).ToList();
        var join = Assert.Single(spans, IsJoin);
        Assert.Contains(spans, a => a.SpanId == join.ParentSpanId);

        // The worker's allocation arrived with the trace, its parent being the grain's outgoing call to the worker.
        var (_, trace) = Assert.Single(_fixture.Worker.AllocationTraces, a => a.Request.MeetingId == meetingId);
        Assert.Equal(traceId, trace.TraceId);
        var workerCall = Assert.Single(spans, a => a.SpanId == trace.SpanId);
        Assert.Equal(ActivityKind.Client, workerCall.Kind);
        Assert.Equal(join.SpanId, workerCall.ParentSpanId);
    }
}
