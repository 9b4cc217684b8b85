using System.Security.Cryptography;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;

namespace Sparkle.Recordings;

/// <summary>Sealed blobs in one container of Azure Blob Storage (Azurite locally). Names are random.</summary>
/// <remarks>The container is created on first use (once; a failed attempt is retried by the next call) and
/// again if it disappears under us. Blobs hold only sealed bytes: names and content reveal neither tenant nor
/// media type.</remarks>
public sealed class RecordingBlobStore : IRecordingBlobStore
{
    private readonly BlobContainerClient _container;
    private readonly SemaphoreSlim _createGate = new(1, 1);
    private volatile bool _created;

    public RecordingBlobStore(string connectionString, string container = "recordings")
        : this(connectionString, container, options: null)
    {
    }

    /// <summary><paramref name="options"/> tunes the client (retries, timeouts); the default retries a few times
    /// quickly, since the <see cref="UploadSpool"/> does the patient retrying.</summary>
    public RecordingBlobStore(string connectionString, string container, BlobClientOptions? options)
    {
        ArgumentException.ThrowIfNullOrEmpty(connectionString);
        ArgumentException.ThrowIfNullOrEmpty(container);
        options ??= DefaultOptions();
        _container = new BlobContainerClient(connectionString, container, options);
    }

    public string ContainerName => _container.Name;

    /// <summary>A fresh name: a 2-character folder and 32 random lowercase hex characters (<c>3f/3fa9…</c>),
    /// so listings spread out and nothing about the recording shows.</summary>
    public static string NewBlobName()
    {
        string id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        return $"{id[..2]}/{id}";
    }

    public async Task UploadAsync(string blobName, Stream sealedContent, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(sealedContent);
        BlobClient blob = Blob(blobName);
        await EnsureContainerAsync(cancellationToken).ConfigureAwait(false);
        long start = sealedContent.CanSeek ? sealedContent.Position : -1;
        try
        {
            await blob.UploadAsync(sealedContent, overwrite: true, cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException e) when (e.ErrorCode == BlobErrorCode.ContainerNotFound && start >= 0)
        {
            // Deleted behind our back (or an emulator that lost its state): create it again and retry once.
            _created = false;
            await EnsureContainerAsync(cancellationToken).ConfigureAwait(false);
            sealedContent.Position = start;
            await blob.UploadAsync(sealedContent, overwrite: true, cancellationToken).ConfigureAwait(false);
        }
    }

    public async Task<long> GetLengthAsync(string blobName, CancellationToken cancellationToken = default)
    {
        BlobClient blob = Blob(blobName);
        try
        {
            BlobProperties properties = await blob.GetPropertiesAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
            return properties.ContentLength;
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            throw new RecordingBlobMissingException(blobName, e);
        }
    }

    public IRangeSource OpenRange(string blobName) => new BlobRangeSource(Blob(blobName), blobName);

    /// <summary>True when it existed.</summary>
    public async Task<bool> DeleteAsync(string blobName, CancellationToken cancellationToken = default)
    {
        BlobClient blob = Blob(blobName);
        try
        {
            Response<bool> deleted = await blob.DeleteIfExistsAsync(DeleteSnapshotsOption.IncludeSnapshots, cancellationToken: cancellationToken).ConfigureAwait(false);
            return deleted.Value;
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return false;
        }
    }

    private BlobClient Blob(string blobName)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(blobName);
        return _container.GetBlobClient(blobName);
    }

    private async Task EnsureContainerAsync(CancellationToken cancellationToken)
    {
        if (_created)
        {
            return;
        }
        await _createGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (!_created)
            {
                await _container.CreateIfNotExistsAsync(PublicAccessType.None, cancellationToken: cancellationToken).ConfigureAwait(false);
                _created = true;
            }
        }
        finally
        {
            _createGate.Release();
        }
    }

    private static BlobClientOptions DefaultOptions()
    {
        var options = new BlobClientOptions();
        options.Retry.MaxRetries = 3;
        options.Retry.Delay = TimeSpan.FromMilliseconds(400);
        options.Retry.MaxDelay = TimeSpan.FromSeconds(4);
        options.Retry.NetworkTimeout = TimeSpan.FromSeconds(60);
        return options;
    }

    /// <summary>Ranged downloads (HTTP Range) of one blob.</summary>
    private sealed class BlobRangeSource(BlobClient blob, string blobName) : IRangeSource
    {
        public async ValueTask<int> ReadAsync(long offset, Memory<byte> destination, CancellationToken cancellationToken = default)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(offset);
            if (destination.IsEmpty)
            {
                return 0;
            }
            Response<BlobDownloadStreamingResult> response;
            try
            {
                response = await blob.DownloadStreamingAsync(new BlobDownloadOptions { Range = new HttpRange(offset, destination.Length) }, cancellationToken).ConfigureAwait(false);
            }
            catch (RequestFailedException e) when (e.Status == 416)
            {
                // A range starting at or past the end: nothing more to read.
                return 0;
            }
            catch (RequestFailedException e) when (e.Status == 404)
            {
                throw new RecordingBlobMissingException(blobName, e);
            }
            using BlobDownloadStreamingResult result = response.Value;
            return await result.Content.ReadAtLeastAsync(destination, destination.Length, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
        }
    }
}
