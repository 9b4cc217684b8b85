using System.Security.Cryptography;

namespace Sparkle.Recordings;

/// <summary>Random access to the plaintext of a sealed object.</summary>
/// <remarks>Reads only the chunks a range covers, authenticates each before any of its bytes leave, and keeps
/// the last chunk it opened so small sequential reads do not decrypt the same chunk again. One reader serves
/// one caller at a time (not thread-safe).</remarks>
public sealed class SealedReader : IDisposable
{
    private readonly IRangeSource _source;
    private readonly long _sealedLength;
    private readonly long _chunkCount;
    private readonly AesGcm _aes;
    private byte[]? _header;
    private byte[]? _sealedChunk;
    private byte[]? _plainChunk;
    private long _cachedIndex = -1;
    private int _cachedLength;

    /// <summary>Throws <see cref="SealedDataException"/> when <paramref name="sealedLength"/> is not the length
    /// of any sealed object (cut off mid-chunk, say).</summary>
    public SealedReader(IRangeSource source, long sealedLength, ReadOnlyMemory<byte> dataKey)
    {
        ArgumentNullException.ThrowIfNull(source);
        SealedFormat.CheckKey(dataKey.Span);
        long plainLength = SealedFormat.PlainLengthOf(sealedLength);
        if (plainLength < 0)
        {
            throw new SealedDataException($"{SealedDataException.Failed}: {sealedLength} bytes is not the length of a sealed object");
        }
        _source = source;
        _sealedLength = sealedLength;
        PlainLength = plainLength;
        _chunkCount = SealedFormat.ChunkCount(plainLength);
        _aes = new AesGcm(dataKey.Span, SealedFormat.TagSize);
    }

    public long PlainLength { get; }

    /// <summary>Fills destination from plaintext offset; throws <see cref="SealedDataException"/> on any
    /// authentication failure (a flipped byte, a missing or reordered chunk, a truncated end).</summary>
    /// <returns>The bytes copied: destination.Length, or fewer at the end; 0 at or past the end (after checking
    /// that the end is really the end: the last chunk must authenticate as the final one).</returns>
    public async ValueTask<int> ReadAsync(long plainOffset, Memory<byte> destination, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(plainOffset);
        if (plainOffset >= PlainLength)
        {
            await LoadChunkAsync(_chunkCount - 1, cancellationToken).ConfigureAwait(false);
            return 0;
        }
        int copied = 0;
        while (copied < destination.Length && plainOffset < PlainLength)
        {
            long index = plainOffset / SealedFormat.ChunkSize;
            int within = (int)(plainOffset % SealedFormat.ChunkSize);
            await LoadChunkAsync(index, cancellationToken).ConfigureAwait(false);
            int count = Math.Min(_cachedLength - within, destination.Length - copied);
            _plainChunk.AsSpan(within, count).CopyTo(destination.Span[copied..]);
            copied += count;
            plainOffset += count;
        }
        return copied;
    }

    public void Dispose()
    {
        _aes.Dispose();
        if (_plainChunk is not null)
        {
            CryptographicOperations.ZeroMemory(_plainChunk);
        }
        _cachedIndex = -1;
    }

    private async ValueTask LoadChunkAsync(long index, CancellationToken cancellationToken)
    {
        if (index == _cachedIndex)
        {
            return;
        }
        _cachedIndex = -1;
        _header ??= await ReadHeaderAsync(cancellationToken).ConfigureAwait(false);
        long offset = SealedFormat.HeaderSize + index * SealedFormat.SealedChunkSize;
        bool final = index == _chunkCount - 1;
        int length = final ? (int)(_sealedLength - offset) : SealedFormat.SealedChunkSize;
        _sealedChunk ??= new byte[SealedFormat.SealedChunkSize];
        _plainChunk ??= new byte[SealedFormat.ChunkSize];
        await ReadExactlyAsync(offset, _sealedChunk.AsMemory(0, length), cancellationToken).ConfigureAwait(false);
        if (!SealedFormat.TryDecryptChunk(_aes, _header, (uint)index, final, _sealedChunk.AsSpan(0, length), _plainChunk))
        {
            throw new SealedDataException(SealedDataException.Failed);
        }
        _cachedIndex = index;
        _cachedLength = length - SealedFormat.TagSize;
    }

    private async ValueTask<byte[]> ReadHeaderAsync(CancellationToken cancellationToken)
    {
        byte[] header = new byte[SealedFormat.HeaderSize];
        await ReadExactlyAsync(0, header, cancellationToken).ConfigureAwait(false);
        // An altered version byte is tampering like any other (the tags would fail anyway: it is in every AAD).
        if (header[0] != SealedFormat.Version)
        {
            throw new SealedDataException(SealedDataException.Failed);
        }
        return header;
    }

    private async ValueTask ReadExactlyAsync(long offset, Memory<byte> buffer, CancellationToken cancellationToken)
    {
        while (buffer.Length > 0)
        {
            int read = await _source.ReadAsync(offset, buffer, cancellationToken).ConfigureAwait(false);
            if (read <= 0)
            {
                throw new SealedDataException($"{SealedDataException.Failed}: the stored object ends before its length");
            }
            offset += read;
            buffer = buffer[read..];
        }
    }
}
