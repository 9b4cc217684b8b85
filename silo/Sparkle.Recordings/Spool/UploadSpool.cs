using System.Text.Json;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Sparkle.Recordings;

/// <summary>The media worker's buffer in front of the blob store: sealed files wait on local disk until the
/// store takes them, so a store that is down or slow costs disk, never recordings.</summary>
/// <remarks>
/// <para>Each item is a data file (<c>{seq}.sealed</c>, moved in from the caller) and a sidecar
/// (<c>{seq}.json</c>: blob name, metadata, whether it is uploaded). One loop uploads in order, retrying with
/// backoff; after an upload the data file goes and the item is reported (<c>onStored</c>, retried the same
/// way); then the sidecar goes. A restart picks up what is left: items not yet uploaded are uploaded again,
/// uploaded but unreported ones are reported through the constructor's <c>recovered</c> callback. So an item
/// may be uploaded or reported twice after a crash, never lost: uploads overwrite, and reports must be
/// idempotent.</para>
/// <para>Beyond <see cref="UploadSpoolOptions.BudgetBytes"/> of waiting data, enqueueing waits (backpressure)
/// rather than dropping anything.</para>
/// </remarks>
public sealed class UploadSpool : IAsyncDisposable, IDisposable
{
    private const string DataExtension = ".sealed";
    private const string SidecarExtension = ".json";

    private readonly string _folder;
    private readonly IRecordingBlobStore _store;
    private readonly Func<SpoolItem, Task> _recovered;
    private readonly UploadSpoolOptions _options;
    private readonly ILogger _logger;
    private readonly Channel<Entry> _uploads = Channel.CreateUnbounded<Entry>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Channel<Entry> _reports = Channel.CreateUnbounded<Entry>(new UnboundedChannelOptions { SingleReader = true });
    private readonly SemaphoreSlim _enqueueGate = new(1, 1);
    private readonly CancellationTokenSource _stopping = new();
    private readonly Lock _lock = new();
    private readonly Task _uploadLoop;
    private readonly Task _reportLoop;
    private TaskCompletionSource _spaceFreed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _pendingBytes;
    private int _pendingCount;
    private long _sequence;
    private bool _degraded;
    private int _disposed;

    /// <param name="folder">The spool folder (created if missing); put it on the same file system as the
    /// recorder's output so enqueueing is a rename.</param>
    /// <param name="recovered">Reports an item found in the folder at start (left by a previous process) once
    /// it is stored: the stand-in for the <c>onStored</c> callback that process passed.</param>
    public UploadSpool(string folder, IRecordingBlobStore store, Func<SpoolItem, Task> recovered, UploadSpoolOptions? options = null, ILogger? logger = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(folder);
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(recovered);
        _folder = Path.GetFullPath(folder);
        _store = store;
        _recovered = recovered;
        _options = options ?? new UploadSpoolOptions();
        _logger = logger ?? NullLogger.Instance;
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(_options.BudgetBytes);
        Directory.CreateDirectory(_folder);
        Recover();
        _uploadLoop = Task.Run(UploadLoopAsync);
        _reportLoop = Task.Run(ReportLoopAsync);
    }

    /// <summary>True while uploads fail (store down, refusing, or slower than the upload timeout).</summary>
    public bool Degraded
    {
        get
        {
            lock (_lock)
            {
                return _degraded;
            }
        }
    }

    /// <summary>Raised (on the upload loop) when <see cref="Degraded"/> changes.</summary>
    public event Action<bool>? DegradedChanged;

    /// <summary>Bytes of sealed data on local disk waiting for upload.</summary>
    public long PendingBytes => Interlocked.Read(ref _pendingBytes);

    /// <summary>Items not yet uploaded and reported.</summary>
    public int PendingCount => Volatile.Read(ref _pendingCount);

    /// <summary>Moves <paramref name="localSealedFile"/> into the spool and returns; the file is uploaded as
    /// <paramref name="blobName"/> in enqueue order, then deleted, then <paramref name="onStored"/> runs
    /// (retried until it succeeds). Waits while the spool holds more than its budget.</summary>
    public Task EnqueueAsync(string localSealedFile, string blobName, Func<Task> onStored, CancellationToken cancellationToken = default) =>
        EnqueueAsync(localSealedFile, blobName, metadata: null, onStored, cancellationToken);

    /// <summary>As above, with <paramref name="metadata"/> kept beside the file: after a restart the item comes
    /// back through the <c>recovered</c> callback with it.</summary>
    public async Task EnqueueAsync(string localSealedFile, string blobName, string? metadata, Func<Task> onStored, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(localSealedFile);
        ArgumentException.ThrowIfNullOrWhiteSpace(blobName);
        ArgumentNullException.ThrowIfNull(onStored);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        long length = new FileInfo(localSealedFile) is { Exists: true } info
            ? info.Length
            : throw new FileNotFoundException("the sealed file to spool does not exist", localSealedFile);

        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _stopping.Token);
        try
        {
            // One enqueuer at a time: the spool's order is the callers' order, and the budget is served in turn.
            await _enqueueGate.WaitAsync(linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
            throw new ObjectDisposedException(nameof(UploadSpool));
        }
        try
        {
            await ReserveAsync(length, linked.Token).ConfigureAwait(false);
            var item = new SpoolItem(++_sequence, blobName, metadata, length, _options.TimeProvider.GetUtcNow());
            var entry = new Entry(item, DataPath(item.Sequence), SidecarPath(item.Sequence), onStored);
            try
            {
                // The sidecar first: a crash before the move leaves a sidecar without data, which the next start
                // drops (the caller never saw this call return, and its file is still where it was).
                WriteSidecar(entry, uploaded: false);
                File.Move(localSealedFile, entry.DataPath);
            }
            catch
            {
                TryDelete(entry.SidecarPath);
                Release(length);
                throw;
            }
            Interlocked.Increment(ref _pendingCount);
            _uploads.Writer.TryWrite(entry);
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new ObjectDisposedException(nameof(UploadSpool));
        }
        finally
        {
            _enqueueGate.Release();
        }
    }

    /// <summary>Stops the loops; what is still spooled stays on disk for the next start.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }
        _stopping.Cancel();
        _uploads.Writer.TryComplete();
        _reports.Writer.TryComplete();
        await Task.WhenAll(_uploadLoop, _reportLoop).ConfigureAwait(false);
        _stopping.Dispose();
    }

    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    private async Task ReserveAsync(long length, CancellationToken cancellationToken)
    {
        while (true)
        {
            Task spaceFreed;
            lock (_lock)
            {
                if (_pendingBytes == 0 || _pendingBytes + length <= _options.BudgetBytes)
                {
                    Interlocked.Add(ref _pendingBytes, length);
                    return;
                }
                spaceFreed = _spaceFreed.Task;
            }
            await spaceFreed.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private void Release(long length)
    {
        TaskCompletionSource freed;
        lock (_lock)
        {
            Interlocked.Add(ref _pendingBytes, -length);
            freed = _spaceFreed;
            _spaceFreed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
        freed.TrySetResult();
    }

    private async Task UploadLoopAsync()
    {
        CancellationToken stopping = _stopping.Token;
        try
        {
            await foreach (Entry entry in _uploads.Reader.ReadAllAsync(stopping).ConfigureAwait(false))
            {
                if (!await UploadWithRetriesAsync(entry, stopping).ConfigureAwait(false))
                {
                    continue;
                }
                TryDelete(entry.DataPath);
                try
                {
                    WriteSidecar(entry, uploaded: true);
                }
                catch (Exception e)
                {
                    // Only costs a second upload after a crash.
                    _logger.LogWarning(e, "Spool: could not mark {Sidecar} uploaded", entry.SidecarPath);
                }
                Release(entry.Item.Length);
                _reports.Writer.TryWrite(entry);
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
        }
    }

    /// <summary>False when the item cannot be uploaded ever (its data file vanished).</summary>
    private async Task<bool> UploadWithRetriesAsync(Entry entry, CancellationToken stopping)
    {
        TimeSpan backoff = _options.InitialBackoff;
        while (true)
        {
            try
            {
                using var timeout = new CancellationTokenSource(_options.UploadTimeout, _options.TimeProvider);
                using var linked = CancellationTokenSource.CreateLinkedTokenSource(stopping, timeout.Token);
                await using (var content = new FileStream(entry.DataPath, FileMode.Open, FileAccess.Read, FileShare.Read, 81920, FileOptions.Asynchronous | FileOptions.SequentialScan))
                {
                    await _store.UploadAsync(entry.Item.BlobName, content, linked.Token).ConfigureAwait(false);
                }
                SetDegraded(false);
                return true;
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                throw;
            }
            catch (FileNotFoundException) when (!File.Exists(entry.DataPath))
            {
                _logger.LogError("Spool: {File} for blob {Blob} disappeared from the spool; the item is lost", entry.DataPath, entry.Item.BlobName);
                TryDelete(entry.SidecarPath);
                Release(entry.Item.Length);
                Interlocked.Decrement(ref _pendingCount);
                return false;
            }
            catch (Exception e)
            {
                SetDegraded(true);
                _logger.LogWarning(e, "Spool: upload of {Blob} failed; retrying in {Backoff}", entry.Item.BlobName, backoff);
            }
            await Task.Delay(backoff, _options.TimeProvider, stopping).ConfigureAwait(false);
            backoff = Min(backoff * 2, _options.MaxBackoff);
        }
    }

    private async Task ReportLoopAsync()
    {
        CancellationToken stopping = _stopping.Token;
        try
        {
            await foreach (Entry entry in _reports.Reader.ReadAllAsync(stopping).ConfigureAwait(false))
            {
                TimeSpan backoff = _options.InitialBackoff;
                while (true)
                {
                    try
                    {
                        await (entry.OnStored ?? (() => _recovered(entry.Item)))().ConfigureAwait(false);
                        break;
                    }
                    catch (Exception e)
                    {
                        _logger.LogWarning(e, "Spool: reporting stored blob {Blob} failed; retrying in {Backoff}", entry.Item.BlobName, backoff);
                    }
                    await Task.Delay(backoff, _options.TimeProvider, stopping).ConfigureAwait(false);
                    backoff = Min(backoff * 2, _options.MaxBackoff);
                }
                TryDelete(entry.SidecarPath);
                Interlocked.Decrement(ref _pendingCount);
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
        }
    }

    private void SetDegraded(bool degraded)
    {
        lock (_lock)
        {
            if (_degraded == degraded)
            {
                return;
            }
            _degraded = degraded;
        }
        if (degraded)
        {
            _logger.LogWarning("Spool: blob store unavailable, recordings wait on local disk ({Bytes} bytes pending)", PendingBytes);
        }
        else
        {
            _logger.LogInformation("Spool: blob store reachable again");
        }
        try
        {
            DegradedChanged?.Invoke(degraded);
        }
        catch (Exception e)
        {
            _logger.LogError(e, "Spool: a DegradedChanged handler threw");
        }
    }

    /// <summary>Picks up what a previous process left in the folder, in sequence order.</summary>
    private void Recover()
    {
        foreach (string temp in Directory.EnumerateFiles(_folder, "*.tmp"))
        {
            TryDelete(temp);
        }
        var found = new List<(Sidecar Sidecar, long Sequence)>();
        foreach (string path in Directory.EnumerateFiles(_folder, "*" + SidecarExtension))
        {
            if (!long.TryParse(Path.GetFileNameWithoutExtension(path), out long sequence))
            {
                continue;
            }
            try
            {
                Sidecar? sidecar = JsonSerializer.Deserialize<Sidecar>(File.ReadAllBytes(path));
                if (sidecar is null || string.IsNullOrWhiteSpace(sidecar.BlobName))
                {
                    throw new JsonException("empty sidecar");
                }
                found.Add((sidecar, sequence));
            }
            catch (Exception e) when (e is JsonException or IOException)
            {
                // Left in place for an operator: never delete data we cannot account for.
                _logger.LogError(e, "Spool: unreadable sidecar {Sidecar}; its item is skipped", path);
            }
            _sequence = Math.Max(_sequence, sequence);
        }
        foreach ((Sidecar sidecar, long sequence) in found.OrderBy(f => f.Sequence))
        {
            string data = DataPath(sequence);
            var fileInfo = new FileInfo(data);
            var item = new SpoolItem(sequence, sidecar.BlobName, sidecar.Metadata, fileInfo.Exists ? fileInfo.Length : sidecar.Length, sidecar.EnqueuedAt);
            var entry = new Entry(item, data, SidecarPath(sequence), OnStored: null);
            if (sidecar.Uploaded)
            {
                TryDelete(data);
                _pendingCount++;
                _reports.Writer.TryWrite(entry);
            }
            else if (fileInfo.Exists)
            {
                _pendingBytes += item.Length;
                _pendingCount++;
                _uploads.Writer.TryWrite(entry);
            }
            else
            {
                TryDelete(entry.SidecarPath);
            }
        }
        if (_pendingCount > 0)
        {
            _logger.LogInformation("Spool: recovered {Count} items ({Bytes} bytes to upload) from {Folder}", _pendingCount, _pendingBytes, _folder);
        }
    }

    private void WriteSidecar(Entry entry, bool uploaded)
    {
        var sidecar = new Sidecar(entry.Item.BlobName, entry.Item.Metadata, entry.Item.Length, entry.Item.EnqueuedAt, uploaded);
        string temp = entry.SidecarPath + ".tmp";
        using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write))
        {
            JsonSerializer.Serialize(stream, sidecar);
            stream.Flush(flushToDisk: true);
        }
        File.Move(temp, entry.SidecarPath, overwrite: true);
    }

    private string DataPath(long sequence) => Path.Combine(_folder, sequence.ToString("D16") + DataExtension);

    private string SidecarPath(long sequence) => Path.Combine(_folder, sequence.ToString("D16") + SidecarExtension);

    private void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            _logger.LogWarning(e, "Spool: could not delete {File}", path);
        }
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    /// <summary><see cref="OnStored"/> is null for recovered items (reported through the constructor's callback).</summary>
    private sealed record Entry(SpoolItem Item, string DataPath, string SidecarPath, Func<Task>? OnStored);

    private sealed record Sidecar(string BlobName, string? Metadata, long Length, DateTimeOffset EnqueuedAt, bool Uploaded);
}
