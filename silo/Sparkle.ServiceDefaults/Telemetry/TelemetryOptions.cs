namespace Sparkle.ServiceDefaults.Telemetry;

/// <summary>Where this process serves its Prometheus scrape endpoint. Bound from the section "Metrics"
/// (environment: Metrics__Port). Hosts with their own HTTP server (the GraphQL host) map /metrics instead.</summary>
public sealed class TelemetryOptions
{
    public const string Section = "Metrics";

    /// <summary>Port of the stand-alone scrape listener; 0 (the default) serves none.</summary>
    public int Port { get; set; }

    /// <summary>Address the listener binds: loopback unless an operator opens it to a scraper elsewhere.</summary>
    public string Address { get; set; } = "127.0.0.1";

    /// <summary>The OpenTelemetry standard variable: traces and metrics are pushed over OTLP only when it is set.</summary>
    public const string OtlpEndpointVariable = "OTEL_EXPORTER_OTLP_ENDPOINT";
}
