using System.Diagnostics;

namespace Sparkle.MediaWorker.Telemetry;

/// <summary>Names of the worker's meter and activity source (exported by the host).</summary>
public static class WorkerTelemetry
{
    public const string Name = "Sparkle.MediaWorker";

    /// <summary>Spans of leg work that a grain asked for; children of the grain call's span.</summary>
    public static readonly ActivitySource Source = new(Name);
}
