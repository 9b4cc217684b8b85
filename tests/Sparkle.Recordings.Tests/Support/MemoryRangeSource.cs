namespace Sparkle.Recordings.Tests.Support;

/// <summary>An <see cref="IRangeSource"/> over bytes in memory that hands out at most
/// <paramref name="maxRead"/> bytes per call, like a network stream may.</summary>
public sealed class MemoryRangeSource(byte[] content, int maxRead = int.MaxValue) : IRangeSource
{
    public int Reads { get; private set; }

    public ValueTask<int> ReadAsync(long offset, Memory<byte> destination, CancellationToken cancellationToken = default)
    {
        Reads++;
        if (offset >= content.Length)
        {
            return ValueTask.FromResult(0);
        }
        int count = (int)Math.Min(Math.Min(destination.Length, content.Length - offset), maxRead);
        content.AsSpan((int)offset, count).CopyTo(destination.Span);
        return ValueTask.FromResult(count);
    }
}
