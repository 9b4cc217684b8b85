using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Sparkle.Gateway.Telemetry;

/// <summary>The gateway's meter and activity source. Rates (calls per second) come from Prometheus'
/// rate() over these counters.</summary>
public static class GatewayTelemetry
{
    public const string Name = "Sparkle.Gateway";

    public static readonly Meter Meter = new(Name);
    public static readonly ActivitySource Source = new(Name);

    /// <summary>Initial INVITEs handled, whatever came of them.</summary>
    public static readonly Counter<long> Calls = Meter.CreateCounter<long>("sparkle.gateway.calls", "{call}",
        "Initial INVITEs handled by the conference focus");

    /// <summary>Calls the meeting grain admitted (a 200 OK went out).</summary>
    public static readonly Counter<long> Joins = Meter.CreateCounter<long>("sparkle.gateway.joins", "{call}",
        "Calls admitted into a meeting");
}
