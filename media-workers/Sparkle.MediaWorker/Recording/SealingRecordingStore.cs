using System.Collections.Concurrent;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Sparkle.Grains.Identity;
using Sparkle.Grains.Recordings;
using Sparkle.Media.Recording;
using Sparkle.MediaWorker.Engine;
using Sparkle.Recordings;

namespace Sparkle.MediaWorker.Recording;

/// <summary>Keeps the worker's finished recording files: each is sealed (chunked AES-256-GCM) with a data key
/// from the tenant's key grain (one per recording, a fresh one per utterance), the plaintext is deleted, and
/// the sealed file goes through the <see cref="UploadSpool"/> to blob storage; once stored, the recording
/// catalog grain is told. The recorder thread only queues work here; sealing and grain calls run on a loop of
/// their own. While uploads fail the recordings in progress are reported Degraded (and Recording again after).
/// Nothing plaintext stays on disk longer than sealing it takes.</summary>
public sealed class SealingRecordingStore : BackgroundService, IRecordingStore
{
    private static readonly JsonSerializerOptions s_json = new(JsonSerializerDefaults.Web);

    private readonly IGrainFactory _grains;
    private readonly ILogger<SealingRecordingStore> _logger;
    private readonly RecordingBlobStore? _blobs;
    private readonly UploadSpool? _spool;
    private readonly string _sealingFolder;
    private readonly RecordingFolderLease _folders;
    private readonly Channel<Job> _jobs = Channel.CreateUnbounded<Job>(new UnboundedChannelOptions { SingleReader = true });
    // Recordings in progress (their data key and where to report health), by recording id.
    private readonly ConcurrentDictionary<Guid, Active> _active = new();

    public SealingRecordingStore(IGrainFactory grains, IConfiguration configuration, IOptions<MediaWorkerOptions> options, ILogger<SealingRecordingStore> logger)
    {
        _grains = grains;
        _logger = logger;
        var folder = options.Value.Recording.SpoolFolder;
        _sealingFolder = Path.Combine(folder, "sealing");
        // Before anything is recorded: the folders are this process's, and a dead run's plaintext is gone.
        _folders = RecordingFolderLease.Take(folder, [options.Value.Recording.ResolvedWorkFolder, _sealingFolder], logger);
        if (configuration["Recordings:BlobConnectionString"] is { Length: > 0 } connection)
        {
            _blobs = new RecordingBlobStore(connection, configuration["Recordings:BlobContainer"] ?? "recordings");
            _spool = new UploadSpool(Path.Combine(folder, "upload"), _blobs, item => ReportAsync(item.Metadata), logger: logger);
            _spool.DegradedChanged += degraded => _ = ReportHealthAsync(degraded);
        }
        Directory.CreateDirectory(_sealingFolder);
    }

    /// <summary>Files waiting for the blob store (for the worker's figures and tests).</summary>
    public long PendingBytes => _spool?.PendingBytes ?? 0;

    public IRecordingSink Open(Guid meetingId, RecordingOrder order)
    {
        if (_spool is null)
        {
            throw new InvalidOperationException("Recording storage is not configured on this worker (Recordings:BlobConnectionString).");
        }
        var active = new Active(meetingId, order);
        _active[order.RecordingId] = active;
        if (order.VideoRecordingId != Guid.Empty)
        {
            _active[order.VideoRecordingId] = active;
        }
        return new OrderSink(this, active);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await foreach (var job in _jobs.Reader.ReadAllAsync(stoppingToken))
        {
            // A grain or the disk may fail for a while: retry the same job (its plaintext is still there) rather
            // than lose a recording.
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    await SealAndSpoolAsync(job, stoppingToken);
                    break;
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    _logger.LogWarning(e, "Recording file {Path}: sealing failed (attempt {Attempt}); retrying", job.LocalPath, attempt);
                    await Task.Delay(TimeSpan.FromSeconds(Math.Min(10, attempt)), stoppingToken);
                }
            }
        }
    }

    private async Task SealAndSpoolAsync(Job job, CancellationToken cancellationToken)
    {
        var order = job.Active.Order;
        DataKey key = job.Part is not null
            ? await job.Active.RecordingKeyAsync(() => _grains.GetGrain<ITenantKeyGrain>(order.TenantId).GenerateDataKeyAsync())
            : await _grains.GetGrain<ITenantKeyGrain>(order.TenantId).GenerateDataKeyAsync();

        var sealedPath = Path.Combine(_sealingFolder, Guid.NewGuid().ToString("N") + ".sealed");
        long plainBytes;
        await using (var source = File.OpenRead(job.LocalPath))
        await using (var destination = File.Create(sealedPath))
        {
            plainBytes = source.Length;
            await SealedFormat.SealAsync(source, destination, key.Plaintext, cancellationToken);
        }
        File.Delete(job.LocalPath);
        var sealedBytes = new FileInfo(sealedPath).Length;
        var blobName = RecordingBlobStore.NewBlobName();

        SpoolReport report;
        if (job.Part is { } part)
        {
            report = new SpoolReport(job.Active.MeetingId, new RecordingPartInfo(part.RecordingId, (RecordingKind)(int)part.Kind, part.Index, blobName,
                key.Wrapped, sealedBytes, plainBytes, part.ContentType, part.Offset, part.Duration, part.Last, part.StartedAt), null);
            if (part.Last)
            {
                _active.TryRemove(part.RecordingId, out _);
            }
        }
        else
        {
            var u = job.Utterance!;
            report = new SpoolReport(job.Active.MeetingId, null, new UtteranceInfo(u.UtteranceId, u.ParticipantId, u.StartedAt, u.EndedAt,
                u.RecordingOffset, blobName, key.Wrapped, sealedBytes, plainBytes, u.ContentType));
        }
        var metadata = JsonSerializer.Serialize(report, s_json);
        await _spool!.EnqueueAsync(sealedPath, blobName, metadata, () => ReportAsync(metadata), cancellationToken);
    }

    /// <summary>Tells the meeting's catalog that a sealed file is stored (also for files a previous process left
    /// in the spool). The catalog takes a repeated report as the same one.</summary>
    private async Task ReportAsync(string? metadata)
    {
        var report = metadata is null ? null : JsonSerializer.Deserialize<SpoolReport>(metadata, s_json);
        if (report is null)
        {
            _logger.LogError("A stored recording file had no report; it stays in blob storage unlisted");
            return;
        }
        var catalog = _grains.GetGrain<IRecordingCatalogGrain>(report.MeetingId);
        try
        {
            if (report.Part is { } part)
            {
                await catalog.AddPartAsync(part);
            }
            else if (report.Utterance is { } utterance)
            {
                await catalog.AddUtteranceAsync(utterance);
            }
        }
        catch (NotFoundException)
        {
            // The recording (or its meeting) was deleted while this file was on its way: nobody may read it now.
            var blob = report.Part?.BlobName ?? report.Utterance!.BlobName;
            _logger.LogInformation("Meeting {MeetingId}: a stored recording file belongs to nothing any more; its blob is deleted", report.MeetingId);
            await _blobs!.DeleteAsync(blob);
        }
    }

    private async Task ReportHealthAsync(bool degraded)
    {
        _logger.Log(degraded ? LogLevel.Warning : LogLevel.Information, "Recording storage {State}", degraded ? "is failing: recordings wait in the local spool (DEGRADED)" : "is back: the spool drains");
        foreach (var (recordingId, active) in _active.ToArray())
        {
            try
            {
                await _grains.GetGrain<IRecordingCatalogGrain>(active.MeetingId).SetHealthAsync(recordingId, degraded ? RecordingHealth.Degraded : RecordingHealth.Recording);
            }
            catch (Exception e)
            {
                _logger.LogWarning(e, "Recording {RecordingId}: could not report its health", recordingId);
            }
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        _jobs.Writer.TryComplete();
        await base.StopAsync(cancellationToken);
        if (_spool is not null)
        {
            await _spool.DisposeAsync();
        }

        _folders.Dispose();
    }

    private sealed record Job(Active Active, string LocalPath, RecordedPart? Part, RecordedUtterance? Utterance);

    /// <summary>What a stored file's report to the catalog carries; kept beside the sealed file in the spool.</summary>
    private sealed record SpoolReport(Guid MeetingId, RecordingPartInfo? Part, UtteranceInfo? Utterance);

    private sealed class Active(Guid meetingId, RecordingOrder order)
    {
        private Task<DataKey>? _key;

        public Guid MeetingId { get; } = meetingId;
        public RecordingOrder Order { get; } = order;

        /// <summary>One data key for all parts of the recording, asked for once.</summary>
        public Task<DataKey> RecordingKeyAsync(Func<Task<DataKey>> generate)
        {
            var key = _key;
            if (key is null || key.IsFaulted)
            {
                _key = key = generate();
            }
            return key;
        }
    }

    /// <summary>The recorder's sink for one order: queues the finished file, never blocks the recorder thread.</summary>
    private sealed class OrderSink(SealingRecordingStore store, Active active) : IRecordingSink
    {
        public void PartCompleted(RecordedPart part) => store._jobs.Writer.TryWrite(new Job(active, part.LocalPath, part, null));

        public void UtteranceCompleted(RecordedUtterance utterance) => store._jobs.Writer.TryWrite(new Job(active, utterance.LocalPath, null, utterance));
    }
}
