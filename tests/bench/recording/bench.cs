#:project ../../../silo/Sparkle.Recordings/Sparkle.Recordings.csproj
#:property Configuration=Release
// Recording encryption throughput (issue 9): seal and open a stream of N MB (default 256) in the chunked
// AES-256-GCM format, single-threaded, and raw AesGcm over the same 64 KiB chunks as the ceiling.
// MB/s per core = plaintext MB / CPU seconds of this process (one thread works, so it matches wall MB/s on an
// idle machine; on a loaded one the CPU figure is the steadier of the two).
// Usage: dotnet run -c Release --file bench.cs -- [megabytes=256] [runs=3] [csv]
using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using Sparkle.Recordings;

int megabytes = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 256;
int runs = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 3;
string? csv = args.Length > 2 ? args[2] : null;
long plainLength = megabytes * 1024L * 1024;
byte[] key = RandomNumberGenerator.GetBytes(32);
byte[] pattern = RandomNumberGenerator.GetBytes(1024 * 1024);

// Warm-up (JIT, OpenSSL contexts).
await SealAsync(16L * 1024 * 1024, Stream.Null);

var results = new List<(string Name, double WallMBps, double CpuMBps)>();
// The object to open, sealed once up front; the measured seals write to a sink, so both directions measure
// the format and the cipher, not memory allocation or a disk.
var sealedStream = new MemoryStream(checked((int)SealedFormat.SealedLength(plainLength)));
await SealAsync(plainLength, sealedStream);
byte[] sealedBytes = sealedStream.GetBuffer();
long sealedLength = sealedStream.Length;
byte[] buffer = new byte[1024 * 1024];
for (int run = 0; run < runs; run++)
{
    results.Add(Measure("seal", () => SealAsync(plainLength, Stream.Null)));
    results.Add(Measure("open", async () =>
    {
        using var reader = new SealedReader(new ArraySource(sealedBytes), sealedLength, key);
        for (long offset = 0; offset < reader.PlainLength;)
        {
            offset += await reader.ReadAsync(offset, buffer);
        }
    }));
    results.Add(Measure("raw AesGcm encrypt", () =>
    {
        using var aes = new AesGcm(key, 16);
        byte[] nonce = new byte[12], tag = new byte[16], cipher = new byte[64 * 1024];
        for (long done = 0; done < plainLength; done += cipher.Length)
        {
            aes.Encrypt(nonce, pattern.AsSpan((int)(done % pattern.Length), cipher.Length), cipher, tag);
        }
        return Task.CompletedTask;
    }));
}

Console.WriteLine($"recording bench: {megabytes} MB plaintext, {runs} runs, median; {Environment.ProcessorCount} cores, load average {File.ReadAllText("/proc/loadavg").Split(' ')[0]}");
var lines = new List<string> { "operation,wall_mb_per_s,cpu_mb_per_s" };
foreach (var group in results.GroupBy(r => r.Name))
{
    double wall = Median(group.Select(r => r.WallMBps));
    double cpu = Median(group.Select(r => r.CpuMBps));
    Console.WriteLine($"{group.Key,-20} {wall,8:F0} MB/s wall  {cpu,8:F0} MB/s per core (CPU time)");
    lines.Add(string.Create(CultureInfo.InvariantCulture, $"{group.Key},{wall:F0},{cpu:F0}"));
}
if (csv is not null)
{
    File.WriteAllLines(csv, lines);
}

(string, double, double) Measure(string name, Func<Task> work)
{
    GC.Collect();
    var cpu = Process.GetCurrentProcess().TotalProcessorTime;
    var wall = Stopwatch.StartNew();
    work().GetAwaiter().GetResult();
    double seconds = wall.Elapsed.TotalSeconds;
    double cpuSeconds = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds;
    double mb = plainLength / (1024.0 * 1024);
    return (name, mb / seconds, mb / Math.Max(cpuSeconds, 1e-6));
}

Task SealAsync(long length, Stream output) => SealedFormat.SealAsync(new PatternStream(pattern, length), output, key);

static double Median(IEnumerable<double> values)
{
    double[] sorted = values.Order().ToArray();
    return sorted[sorted.Length / 2];
}

/// <summary>A non-seekable source repeating a random megabyte: costs a memcpy, like reading a cached file.</summary>
sealed class PatternStream(byte[] pattern, long length) : Stream
{
    private long _position;

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        int within = (int)(_position % pattern.Length);
        int n = (int)Math.Min(Math.Min(buffer.Length, pattern.Length - within), length - _position);
        pattern.AsSpan(within, n).CopyTo(buffer);
        _position += n;
        return n;
    }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => ValueTask.FromResult(Read(buffer.Span));
    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}

sealed class ArraySource(byte[] content) : IRangeSource
{
    public ValueTask<int> ReadAsync(long offset, Memory<byte> destination, CancellationToken cancellationToken = default)
    {
        int count = (int)Math.Max(0, Math.Min(destination.Length, content.LongLength - offset));
        content.AsSpan((int)offset, count).CopyTo(destination.Span);
        return ValueTask.FromResult(count);
    }
}
