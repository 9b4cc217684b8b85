using Microsoft.Extensions.Hosting;
using Sparkle.Gateway.Hosting;
using Sparkle.ServiceDefaults;

var builder = Host.CreateApplicationBuilder(args);
builder.AddSparkleClusterClient();
builder.AddSipGateway();
await builder.Build().RunAsync();
