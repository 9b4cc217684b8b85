namespace Sparkle.Recordings;

/// <summary>Reads a byte range of something stored (a blob, a file).</summary>
public interface IRangeSource
{
    /// <summary>Reads up to destination.Length bytes at offset; returns how many (0 at the end).</summary>
    ValueTask<int> ReadAsync(long offset, Memory<byte> destination, CancellationToken cancellationToken = default);
}
