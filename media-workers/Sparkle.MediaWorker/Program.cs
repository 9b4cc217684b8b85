using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Sparkle.MediaWorker;
using Sparkle.MediaWorker.Engine;
using Sparkle.MediaWorker.Hosting;
using Sparkle.MediaWorker.Recording;
using Sparkle.MediaWorker.Replay;
using Sparkle.MediaWorker.Telemetry;
using Sparkle.ServiceDefaults;
using Sparkle.ServiceDefaults.Telemetry;

// RTP receive handlers only copy into a jitter buffer and never block: run socket completions on the
// epoll thread instead of hopping to the thread pool (about a third less CPU per packet). Must be set
// before the first socket is used; an explicit environment setting wins.
if (Environment.GetEnvironmentVariable("DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS") is null)
{
    Environment.SetEnvironmentVariable("DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS", "1");
}

var builder = Host.CreateApplicationBuilder(args);
builder.AddSparkleClusterClient();
builder.AddSparkleTelemetry("sparkle-media-worker", meters: [WorkerTelemetry.Name], sources: [WorkerTelemetry.Name]);
builder.Services.Configure<MediaWorkerOptions>(builder.Configuration.GetSection(MediaWorkerOptions.Section));
builder.Services.AddSingleton<GrainEventSink>();
builder.Services.AddSingleton<IMediaEventSink>(sp => sp.GetRequiredService<GrainEventSink>());
builder.Services.AddHostedService(sp => sp.GetRequiredService<GrainEventSink>());
builder.Services.AddSingleton<SealingRecordingStore>();
builder.Services.AddSingleton<IRecordingStore>(sp => sp.GetRequiredService<SealingRecordingStore>());
builder.Services.AddHostedService(sp => sp.GetRequiredService<SealingRecordingStore>());
builder.Services.AddSingleton<IClipSource>(sp => new SealedClipSource(sp.GetRequiredService<IGrainFactory>(), sp.GetRequiredService<IConfiguration>()));
builder.Services.AddSingleton<MediaEngine>();
builder.Services.AddHostedService<WorkerRegistrationService>();
await builder.Build().RunAsync();
