using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Orleans.Runtime;
using Sparkle.Grains.Media;
using Sparkle.MediaWorker;
using Sparkle.MediaWorker.Engine;
using Sparkle.MediaWorker.Telemetry;

namespace Sparkle.Media.Tests.Worker;

/// <summary>The worker's meter, read through a MeterListener as an exporter would read it, while fake phones
/// talk to the real engine over loopback; and its leg allocation span.</summary>
public sealed class WorkerTelemetryTests : IAsyncLifetime
{
    private static int s_portBase = 46000;
    private readonly Guid _meeting = Guid.NewGuid();
    private readonly ConcurrentDictionary<string, ConcurrentQueue<double>> _measurements = new();
    private readonly MeterListener _listener = new();
    private MediaEngine _engine = null!;

    public Task InitializeAsync()
    {
        var first = Interlocked.Add(ref s_portBase, 100);
        _engine = new MediaEngine(Options.Create(new MediaWorkerOptions
        {
            WorkerId = "metrics-worker",
            RtpPortMin = first,
            RtpPortMax = first + 99,
            CapacityLegs = 8,
        }), new DiscardEvents(), NullLogger<MediaEngine>.Instance);
        // Only this engine's instruments: other tests' engines run in parallel with their own meters.
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter == _engine.Meter)
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<double>((instrument, value, _, _) => Record(instrument.Name, value));
        _listener.SetMeasurementEventCallback<int>((instrument, value, _, _) => Record(instrument.Name, value));
        _listener.Start();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        _listener.Dispose();
        await _engine.DisposeAsync();
    }

    [Fact]
    public async Task LegGaugeCountsLegsAndTheMixerTickIsTimed()
    {
        Assert.Equal(0, ReadGauge(WorkerMetrics.Legs));
        using var alice = await JoinAsync("alice", 440);
        using var bob = await JoinAsync("bob", 0);
        using var carol = await JoinAsync("carol", 0);
        Assert.Equal(3, ReadGauge(WorkerMetrics.Legs));
        Assert.Equal(1, ReadGauge(WorkerMetrics.Meetings));

        // The mixer clock ticks every 20 ms while the meeting has a mixer: wait for a few ticks.
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (Count(WorkerMetrics.TickDuration) < 10 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }
        var ticks = _measurements[WorkerMetrics.TickDuration].ToArray();
        Assert.True(ticks.Length >= 10, $"{ticks.Length} ticks recorded");
        Assert.All(ticks, t => Assert.InRange(t, 0, 1)); // seconds: a tick is microseconds, never a second

        await _engine.ReleaseLegAsync(_meeting, "carol");
        Assert.Equal(2, ReadGauge(WorkerMetrics.Legs));
        await _engine.ReleaseMeetingAsync(_meeting);
        Assert.Equal(0, ReadGauge(WorkerMetrics.Legs));
        Assert.Equal(0, ReadGauge(WorkerMetrics.Meetings));
    }

    [Fact]
    public async Task EachLegSamplesItsLossAndJitterOverTheInterval()
    {
        using var lossy = await JoinAsync("lossy", 440);
        using var clean = await JoinAsync("clean", 0);
        // 100 frames from each; the network drops every 10th of the lossy phone's.
        for (var i = 0; i < 100; i++)
        {
            clean.SendFrame();
            if (i % 10 == 5)
            {
                lossy.LoseFrame();
            }
            else
            {
                lossy.SendFrame();
            }
            await Task.Delay(2);
        }
        // Wait until the worker has counted what was sent (loopback delivers; the receive loop may lag).
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (_engine.Snapshot().Sum(l => l.Transport.ReceiveStats.PacketsReceived) < 189 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }

        _engine.SampleLegQuality();
        var losses = _measurements[WorkerMetrics.LegLoss].ToArray().Order().ToArray();
        Assert.Equal(2, losses.Length);
        Assert.Equal(0, losses[0], 3);
        Assert.InRange(losses[1], 0.09, 0.11);
        Assert.Equal(2, _measurements[WorkerMetrics.LegJitter].Count);
        Assert.All(_measurements[WorkerMetrics.LegJitter], j => Assert.InRange(j, 0, 1));

        // Nothing arrived since: a silent interval records no sample (it would read as no loss).
        _engine.SampleLegQuality();
        Assert.Equal(2, _measurements[WorkerMetrics.LegLoss].Count);
    }

    [Fact]
    public async Task TheLegAllocationSpanIsAChildOfTheGrainCallThatAskedForIt()
    {
        var stopped = new ConcurrentQueue<Activity>();
        using var spans = new ActivityListener
        {
            ShouldListenTo = source => source.Name == WorkerTelemetry.Name,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = stopped.Enqueue,
        };
        ActivitySource.AddActivityListener(spans);
        // What the silo's call filter puts in the request context of the grain's call (W3C trace context).
        var grainCall = new ActivityContext(ActivityTraceId.CreateRandom(), ActivitySpanId.CreateRandom(), ActivityTraceFlags.Recorded);
        RequestContext.Set("traceparent", $"00-{grainCall.TraceId}-{grainCall.SpanId}-01");
        try
        {
            using var phone = await JoinAsync("traced", 0);
        }
        finally
        {
            RequestContext.Clear();
        }

        var span = Assert.Single(stopped, a => a.TraceId == grainCall.TraceId);
        Assert.Equal(("media.allocate_leg", grainCall.SpanId), (span.OperationName, span.ParentSpanId));
        Assert.Equal(_meeting.ToString(), span.GetTagItem("sparkle.meeting_id"));
    }

    private async Task<FakePhone> JoinAsync(string id, double toneHz)
    {
        var phone = new FakePhone(toneHz);
        var allocation = await _engine.AllocateLegAsync(new LegRequest(_meeting, id, phone.Offer(), SrtpRequired: false, id));
        Assert.True(allocation.Ok, allocation.Error);
        phone.Connect(allocation.LocalSdp!);
        return phone;
    }

    private double ReadGauge(string name)
    {
        _measurements.TryRemove(name, out _);
        _listener.RecordObservableInstruments();
        return Assert.Single(_measurements[name]);
    }

    private int Count(string name) => _measurements.TryGetValue(name, out var values) ? values.Count : 0;

    private void Record(string name, double value) => _measurements.GetOrAdd(name, _ => new ConcurrentQueue<double>()).Enqueue(value);

    private sealed class DiscardEvents : IMediaEventSink
    {
        public void Publish(Sparkle.Grains.Meetings.MediaEvent mediaEvent)
        {
        }
    }
}
