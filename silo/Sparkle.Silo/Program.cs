using Microsoft.Extensions.Hosting;
using Sparkle.Silo;

var builder = Host.CreateApplicationBuilder(args);
builder.AddSparkleSilo();
await builder.Build().RunAsync();
