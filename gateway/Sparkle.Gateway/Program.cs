using Microsoft.Extensions.Hosting;
using Sparkle.Gateway.Hosting;
using Sparkle.Gateway.Telemetry;
using Sparkle.ServiceDefaults;
using Sparkle.ServiceDefaults.Telemetry;

var builder = Host.CreateApplicationBuilder(args);
builder.AddSparkleClusterClient();
builder.AddSparkleTelemetry("sparkle-gateway", meters: [GatewayTelemetry.Name], sources: [GatewayTelemetry.Name]);
builder.AddSipGateway();
await builder.Build().RunAsync();
