using System.Security.Cryptography;

namespace Sparkle.Recordings.Tests.Support;

public static class Sealed
{
    public static byte[] NewKey() => RandomNumberGenerator.GetBytes(32);

    public static byte[] RandomBytes(int length, int seed)
    {
        byte[] bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    public static async Task<byte[]> SealAsync(byte[] plain, byte[] key)
    {
        using var sealedStream = new MemoryStream();
        await SealedFormat.SealAsync(new MemoryStream(plain), sealedStream, key);
        return sealedStream.ToArray();
    }

    /// <summary>Reads the whole plaintext through a reader, in reads of <paramref name="readSize"/>.</summary>
    public static async Task<byte[]> OpenAsync(IRangeSource source, long sealedLength, byte[] key, int readSize = 50_000)
    {
        using var reader = new SealedReader(source, sealedLength, key);
        var plain = new MemoryStream();
        byte[] buffer = new byte[readSize];
        long offset = 0;
        while (true)
        {
            int read = await reader.ReadAsync(offset, buffer);
            if (read == 0)
            {
                break;
            }
            plain.Write(buffer, 0, read);
            offset += read;
        }
        return plain.ToArray();
    }

    public static Task<byte[]> OpenAsync(byte[] sealedBytes, byte[] key, int readSize = 50_000) =>
        OpenAsync(new MemoryRangeSource(sealedBytes), sealedBytes.Length, key, readSize);
}
