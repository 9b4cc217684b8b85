using System.Buffers;
using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Sparkle.Recordings;

/// <summary>The chunked AES-256-GCM format: seal a plaintext file; open any plaintext range without
/// decrypting the rest.</summary>
/// <remarks>
/// Layout: a 9-byte header (a version byte, an 8-byte random salt), then the plaintext in 64 KiB chunks,
/// each followed by its 16-byte tag; the last chunk may be shorter (an empty plaintext is one empty
/// chunk). Chunk i uses the nonce salt || i (big-endian) and authenticates header || i || final-flag, so
/// a flipped byte, a reordered or dropped chunk, and a cut-off end all fail. No readable magic: apart from
/// the version byte everything is random-looking, so a stored blob reveals no media type.
/// </remarks>
public static class SealedFormat
{
    internal const byte Version = 1;
    internal const int KeySize = 32;
    internal const int SaltSize = 8;
    internal const int HeaderSize = 1 + SaltSize;
    internal const int ChunkSize = 64 * 1024;
    internal const int TagSize = 16;
    internal const int SealedChunkSize = ChunkSize + TagSize;
    internal const int NonceSize = SaltSize + 4;
    internal const int AadSize = HeaderSize + 4 + 1;
    // Chunk indexes are 32-bit (the nonce's counter): 256 TiB per object.
    internal const long MaxChunks = 1L << 32;

    public static long SealedLength(long plainLength)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(plainLength);
        long chunks = ChunkCount(plainLength);
        if (chunks > MaxChunks)
        {
            throw new ArgumentOutOfRangeException(nameof(plainLength), plainLength, "too large for one sealed object");
        }
        return HeaderSize + chunks * TagSize + plainLength;
    }

    /// <summary>Seals <paramref name="source"/> into <paramref name="destination"/> with a 32-byte data key.</summary>
    /// <remarks>Streams: reads one chunk ahead (to know which chunk is the last), so memory stays at three
    /// 64 KiB buffers whatever the size.</remarks>
    public static Task SealAsync(Stream source, Stream destination, ReadOnlyMemory<byte> dataKey, CancellationToken cancellationToken = default)
    {
        byte[] salt = new byte[SaltSize];
        RandomNumberGenerator.Fill(salt);
        return SealAsync(source, destination, dataKey, salt, cancellationToken);
    }

    /// <summary>With a given salt: tests use it to make the output reproducible. Never reuse a salt with the
    /// same key in production.</summary>
    internal static async Task SealAsync(Stream source, Stream destination, ReadOnlyMemory<byte> dataKey, byte[] salt, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(destination);
        CheckKey(dataKey.Span);
        if (salt.Length != SaltSize)
        {
            throw new ArgumentException($"the salt must be {SaltSize} bytes", nameof(salt));
        }

        byte[] header = new byte[HeaderSize];
        header[0] = Version;
        salt.CopyTo(header, 1);
        await destination.WriteAsync(header, cancellationToken).ConfigureAwait(false);

        using var aes = new AesGcm(dataKey.Span, TagSize);
        byte[] current = ArrayPool<byte>.Shared.Rent(ChunkSize);
        byte[] next = ArrayPool<byte>.Shared.Rent(ChunkSize);
        byte[] sealedChunk = ArrayPool<byte>.Shared.Rent(SealedChunkSize);
        try
        {
            int currentLength = await source.ReadAtLeastAsync(current.AsMemory(0, ChunkSize), ChunkSize, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
            for (long index = 0; ; index++)
            {
                if (index >= MaxChunks)
                {
                    throw new InvalidOperationException("the plaintext is too large for one sealed object");
                }
                // A short read means the source ended: this chunk is the last one.
                int nextLength = currentLength == ChunkSize
                    ? await source.ReadAtLeastAsync(next.AsMemory(0, ChunkSize), ChunkSize, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false)
                    : 0;
                bool final = nextLength == 0;
                int sealedLength = EncryptChunk(aes, header, (uint)index, final, current.AsSpan(0, currentLength), sealedChunk);
                await destination.WriteAsync(sealedChunk.AsMemory(0, sealedLength), cancellationToken).ConfigureAwait(false);
                if (final)
                {
                    break;
                }
                (current, next) = (next, current);
                currentLength = nextLength;
            }
        }
        finally
        {
            // The plaintext buffers go back cleared: pooled arrays must not carry recording content around.
            ArrayPool<byte>.Shared.Return(current, clearArray: true);
            ArrayPool<byte>.Shared.Return(next, clearArray: true);
            ArrayPool<byte>.Shared.Return(sealedChunk);
        }
    }

    internal static long ChunkCount(long plainLength) =>
        plainLength == 0 ? 1 : plainLength / ChunkSize + (plainLength % ChunkSize == 0 ? 0 : 1);

    /// <summary>The plaintext length for a sealed length, or -1 when no plaintext seals to that length.</summary>
    internal static long PlainLengthOf(long sealedLength)
    {
        if (sealedLength < HeaderSize + TagSize)
        {
            return -1;
        }
        long body = sealedLength - HeaderSize;
        long full = body / SealedChunkSize;
        long rest = body % SealedChunkSize;
        // The last chunk holds at least one byte, unless it is the only chunk (the empty plaintext).
        if (rest != 0 && (rest < TagSize || (rest == TagSize && full > 0)))
        {
            return -1;
        }
        long chunks = full + (rest == 0 ? 0 : 1);
        if (chunks > MaxChunks)
        {
            return -1;
        }
        return full * ChunkSize + (rest == 0 ? 0 : rest - TagSize);
    }

    internal static void CheckKey(ReadOnlySpan<byte> dataKey)
    {
        if (dataKey.Length != KeySize)
        {
            throw new ArgumentException($"a data key is {KeySize} bytes, not {dataKey.Length}", nameof(dataKey));
        }
    }

    private static int EncryptChunk(AesGcm aes, ReadOnlySpan<byte> header, uint index, bool final, ReadOnlySpan<byte> plain, Span<byte> output)
    {
        Span<byte> nonce = stackalloc byte[NonceSize];
        Span<byte> aad = stackalloc byte[AadSize];
        WriteNonceAndAad(header, index, final, nonce, aad);
        aes.Encrypt(nonce, plain, output[..plain.Length], output.Slice(plain.Length, TagSize), aad);
        return plain.Length + TagSize;
    }

    /// <summary>Returns false when the chunk does not authenticate; then <paramref name="plain"/> holds no
    /// plaintext (AesGcm clears it).</summary>
    internal static bool TryDecryptChunk(AesGcm aes, ReadOnlySpan<byte> header, uint index, bool final, ReadOnlySpan<byte> sealedChunk, Span<byte> plain)
    {
        Span<byte> nonce = stackalloc byte[NonceSize];
        Span<byte> aad = stackalloc byte[AadSize];
        WriteNonceAndAad(header, index, final, nonce, aad);
        int length = sealedChunk.Length - TagSize;
        try
        {
            aes.Decrypt(nonce, sealedChunk[..length], sealedChunk[length..], plain[..length], aad);
            return true;
        }
        catch (AuthenticationTagMismatchException)
        {
            return false;
        }
    }

    private static void WriteNonceAndAad(ReadOnlySpan<byte> header, uint index, bool final, Span<byte> nonce, Span<byte> aad)
    {
        header.Slice(1, SaltSize).CopyTo(nonce);
        BinaryPrimitives.WriteUInt32BigEndian(nonce[SaltSize..], index);
        header.CopyTo(aad);
        BinaryPrimitives.WriteUInt32BigEndian(aad[HeaderSize..], index);
        aad[HeaderSize + 4] = final ? (byte)1 : (byte)0;
    }
}
