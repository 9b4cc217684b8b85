using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Sparkle.ServiceDefaults.Telemetry;

public static class TelemetryExtensions
{
    /// <summary>Meters every process exports besides its own: Orleans' (grain call latency, messaging,
    /// activations) and the runtime's (GC, thread pool, CPU).</summary>
    public static readonly string[] SharedMeters = ["Microsoft.Orleans", "System.Runtime"];

    /// <summary>Orleans' activity sources: grain calls become spans, children of the caller's span.</summary>
    public static readonly string[] SharedSources = ["Microsoft.Orleans.Application", "Microsoft.Orleans.Runtime"];

    /// <summary>OpenTelemetry for one Sparkle process: its own meters and activity sources plus the shared
    /// ones; a Prometheus listener on Metrics:Port when set; OTLP export of traces and metrics when
    /// OTEL_EXPORTER_OTLP_ENDPOINT is set, else no tracing at all (no span costs anything). A host with its
    /// own HTTP server adds its scrape endpoint through <paramref name="metrics"/>.</summary>
    public static IHostApplicationBuilder AddSparkleTelemetry(this IHostApplicationBuilder builder, string serviceName,
        string[]? meters = null, string[]? sources = null, Action<MeterProviderBuilder>? metrics = null, Action<TracerProviderBuilder>? tracing = null)
    {
        var options = new TelemetryOptions();
        builder.Configuration.GetSection(TelemetryOptions.Section).Bind(options);
        if (options.Port is < 0 or > 65535)
        {
            throw new InvalidOperationException($"Metrics:Port must be 0 (off) or a TCP port (got {options.Port}).");
        }
        var otlp = !string.IsNullOrWhiteSpace(builder.Configuration[TelemetryOptions.OtlpEndpointVariable]);

        var telemetry = builder.Services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService(serviceName, serviceInstanceId: Environment.MachineName + "/" + Environment.ProcessId))
            .WithMetrics(m =>
            {
                m.AddMeter([.. SharedMeters, .. meters ?? []]);
                if (options.Port > 0)
                {
                    m.AddPrometheusHttpListener(o =>
                    {
                        o.Host = options.Address;
                        o.Port = options.Port;
                    });
                }
                if (otlp)
                {
                    m.AddOtlpExporter();
                }
                metrics?.Invoke(m);
            });
        if (otlp)
        {
            telemetry.WithTracing(t =>
            {
                t.AddSource([.. SharedSources, .. sources ?? []]);
                t.AddOtlpExporter();
                tracing?.Invoke(t);
            });
        }
        return builder;
    }
}
