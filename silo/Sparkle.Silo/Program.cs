using Microsoft.Extensions.Hosting;
using Sparkle.ServiceDefaults.Telemetry;
using Sparkle.Silo;

var builder = Host.CreateApplicationBuilder(args);
builder.AddSparkleSilo();
builder.AddSparkleTelemetry("sparkle-silo");
await builder.Build().RunAsync();
