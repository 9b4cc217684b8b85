using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Sparkle.Recordings;
using Sparkle.ServiceDefaults;
using Sparkle.ServiceDefaults.Telemetry;
using Sparkle.Transcriber;
using Sparkle.Transcription;
using Sparkle.Transcription.Engines;

var builder = Host.CreateApplicationBuilder(args);
builder.AddSparkleClusterClient();
builder.AddSparkleTelemetry("sparkle-transcriber");
builder.Services.Configure<TranscriberOptions>(builder.Configuration.GetSection(TranscriberOptions.Section));
var connection = builder.Configuration["Recordings:BlobConnectionString"];
if (string.IsNullOrWhiteSpace(connection))
{
    throw new InvalidOperationException("The transcriber reads stored utterances: set Recordings:BlobConnectionString.");
}

builder.Services.AddSingleton<IRecordingBlobStore>(new RecordingBlobStore(connection, builder.Configuration["Recordings:BlobContainer"] ?? "recordings"));
builder.Services.AddSingleton(sp => new SpeechEnginePool(() => new PocketSphinxEngine(), Math.Clamp(sp.GetRequiredService<IOptions<TranscriberOptions>>().Value.Concurrency, 1, 64)));
builder.Services.AddSingleton(sp => new UtteranceTranscriber(sp.GetRequiredService<SpeechEnginePool>()));
builder.Services.AddSingleton(sp =>
{
    var options = sp.GetRequiredService<IOptions<TranscriberOptions>>().Value;
    // PocketSphinx with Debian's model is the only installed engine: US English, wideband.
    using var probe = new PocketSphinxEngine();
    return new JobTranscriber(new GrainTranscriptionContext(sp.GetRequiredService<IGrainFactory>()), sp.GetRequiredService<IRecordingBlobStore>(),
        sp.GetRequiredService<UtteranceTranscriber>(), probe.Languages, probe.Name, TimeSpan.FromSeconds(Math.Max(1, options.MaxUtteranceSeconds)));
});
builder.Services.AddHostedService<TranscriptionService>();
await builder.Build().RunAsync();
