using Microsoft.Win32.SafeHandles;

namespace Sparkle.Recordings;

/// <summary>An <see cref="IRangeSource"/> over a local file (the worker's spool, tests). Positional reads, so
/// concurrent readers do not disturb each other.</summary>
public sealed class FileRangeSource : IRangeSource, IDisposable
{
    private readonly SafeFileHandle _handle;

    /// <summary>Throws <see cref="FileNotFoundException"/> when the file is missing.</summary>
    public FileRangeSource(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        _handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, FileOptions.Asynchronous);
        Path = path;
    }

    public string Path { get; }

    public long Length => RandomAccess.GetLength(_handle);

    public ValueTask<int> ReadAsync(long offset, Memory<byte> destination, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        return RandomAccess.ReadAsync(_handle, destination, offset, cancellationToken);
    }

    public void Dispose() => _handle.Dispose();
}
