using System.Diagnostics.Metrics;

namespace Sparkle.MediaWorker.Telemetry;

/// <summary>The worker's instruments, one meter per engine: legs and meetings as gauges read at collection
/// time, the mixer's tick time, and each leg's receive loss and jitter sampled every few seconds. Histograms
/// carry no tags, so recording allocates nothing.</summary>
public sealed class WorkerMetrics : IDisposable
{
    public const string Legs = "sparkle.media.legs";
    public const string Meetings = "sparkle.media.meetings";
    public const string TickDuration = "sparkle.media.mixer.tick.duration";
    public const string LegLoss = "sparkle.media.leg.loss";
    public const string LegJitter = "sparkle.media.leg.jitter";

    private readonly Meter _meter = new(WorkerTelemetry.Name);

    public WorkerMetrics(Func<int> legs, Func<int> meetings)
    {
        _meter.CreateObservableGauge(Legs, legs, "{leg}", "Call legs on this worker");
        _meter.CreateObservableGauge(Meetings, meetings, "{meeting}", "Meetings with media on this worker");
        MixerTick = _meter.CreateHistogram(TickDuration, "s", "Wall time of one mixer clock tick over all of the worker's meetings",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.02, 0.05] });
        Loss = _meter.CreateHistogram(LegLoss, "1", "Fraction of a leg's RTP packets lost over the last sample interval",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0, 0.001, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5] });
        Jitter = _meter.CreateHistogram(LegJitter, "s", "A leg's RFC 3550 interarrival jitter, sampled every few seconds",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.001, 0.0025, 0.005, 0.01, 0.02, 0.03, 0.05, 0.1, 0.2] });
    }

    /// <summary>How often each leg's loss and jitter are sampled.</summary>
    public static TimeSpan QualityEvery { get; } = TimeSpan.FromSeconds(5);

    public Meter Meter => _meter;
    public Histogram<double> MixerTick { get; }
    public Histogram<double> Loss { get; }
    public Histogram<double> Jitter { get; }

    public void Dispose() => _meter.Dispose();
}
