using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Sparkle.MediaWorker;
using Sparkle.MediaWorker.Engine;
using Sparkle.MediaWorker.Hosting;
using Sparkle.ServiceDefaults;

var builder = Host.CreateApplicationBuilder(args);
builder.AddSparkleClusterClient();
builder.Services.Configure<MediaWorkerOptions>(builder.Configuration.GetSection(MediaWorkerOptions.Section));
builder.Services.AddSingleton<GrainEventSink>();
builder.Services.AddSingleton<IMediaEventSink>(sp => sp.GetRequiredService<GrainEventSink>());
builder.Services.AddHostedService(sp => sp.GetRequiredService<GrainEventSink>());
builder.Services.AddSingleton<MediaEngine>();
builder.Services.AddHostedService<WorkerRegistrationService>();
await builder.Build().RunAsync();
