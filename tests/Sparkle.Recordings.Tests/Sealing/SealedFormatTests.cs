using Sparkle.Recordings.Tests.Support;

namespace Sparkle.Recordings.Tests.Sealing;

public sealed class SealedFormatTests
{
    private const int Chunk = SealedFormat.ChunkSize;
    private const int SealedChunk = SealedFormat.SealedChunkSize;
    private const int Header = SealedFormat.HeaderSize;

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(100)]
    [InlineData(65535)]
    [InlineData(65536)]
    [InlineData(65537)]
    [InlineData(131072)]
    [InlineData(200_000)]
    [InlineData(3 * 65536 + 7)]
    public async Task RoundTripsAtEveryLengthAndSealedLengthIsExact(int length)
    {
        byte[] plain = Sealed.RandomBytes(length, seed: length);
        byte[] key = Sealed.NewKey();
        byte[] sealedBytes = await Sealed.SealAsync(plain, key);

        Assert.Equal(SealedFormat.SealedLength(length), sealedBytes.LongLength);
        using var reader = new SealedReader(new MemoryRangeSource(sealedBytes), sealedBytes.Length, key);
        Assert.Equal(length, reader.PlainLength);
        foreach (int readSize in new[] { 1000, 65536, 300_000 })
        {
            Assert.Equal(plain, await Sealed.OpenAsync(sealedBytes, key, readSize));
        }
        // A source that returns short reads (a network stream) changes nothing.
        Assert.Equal(plain, await Sealed.OpenAsync(new MemoryRangeSource(sealedBytes, maxRead: 777), sealedBytes.Length, key));
    }

    [Fact]
    public async Task RandomRangeReadsMatchThePlaintextAndTouchOnlyTheirChunks()
    {
        byte[] plain = Sealed.RandomBytes(1024 * 1024 + 123, seed: 1);
        byte[] key = Sealed.NewKey();
        byte[] sealedBytes = await Sealed.SealAsync(plain, key);
        var random = new Random(2);
        for (int i = 0; i < 200; i++)
        {
            int offset = random.Next(plain.Length);
            int length = random.Next(1, 150_000);
            var source = new MemoryRangeSource(sealedBytes);
            using var reader = new SealedReader(source, sealedBytes.Length, key);
            byte[] buffer = new byte[length];
            int read = await reader.ReadAsync(offset, buffer);

            int expected = Math.Min(length, plain.Length - offset);
            Assert.Equal(expected, read);
            Assert.Equal(plain.AsSpan(offset, expected).ToArray(), buffer.AsSpan(0, read).ToArray());
            long chunks = (offset + expected - 1) / Chunk - offset / Chunk + 1;
            Assert.Equal(1 + chunks, source.Reads); // the header, then one read per chunk covered
        }
    }

    [Fact]
    public async Task ReadingAtOrPastTheEndReturnsZero()
    {
        byte[] key = Sealed.NewKey();
        byte[] sealedBytes = await Sealed.SealAsync(Sealed.RandomBytes(70_000, 3), key);
        using var reader = new SealedReader(new MemoryRangeSource(sealedBytes), sealedBytes.Length, key);
        Assert.Equal(0, await reader.ReadAsync(70_000, new byte[10]));
        Assert.Equal(0, await reader.ReadAsync(1_000_000, new byte[10]));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(async () => await reader.ReadAsync(-1, new byte[10]));
    }

    [Fact]
    public async Task EmptyPlaintextIsOneAuthenticatedChunk()
    {
        byte[] key = Sealed.NewKey();
        byte[] sealedBytes = await Sealed.SealAsync([], key);
        Assert.Equal(Header + SealedFormat.TagSize, sealedBytes.Length);
        Assert.Empty(await Sealed.OpenAsync(sealedBytes, key));

        sealedBytes[^1] ^= 1;
        await Assert.ThrowsAsync<SealedDataException>(() => Sealed.OpenAsync(sealedBytes, key));
    }

    [Fact]
    public async Task OneFlippedByteAnywhereFailsAuthentication()
    {
        byte[] plain = Sealed.RandomBytes(2 * Chunk + 5000, seed: 4);
        byte[] key = Sealed.NewKey();
        byte[] sealedBytes = await Sealed.SealAsync(plain, key);
        var positions = new SortedSet<int>(Enumerable.Range(0, Header));
        for (int chunk = 0; chunk < 3; chunk++)
        {
            int start = Header + chunk * SealedChunk;
            int end = Math.Min(start + SealedChunk, sealedBytes.Length);
            positions.UnionWith([start, start + 1, end - SealedFormat.TagSize - 1, end - SealedFormat.TagSize, end - 1]);
        }
        var random = new Random(5);
        for (int i = 0; i < 40; i++)
        {
            positions.Add(random.Next(sealedBytes.Length));
        }

        foreach (int position in positions)
        {
            byte[] tampered = (byte[])sealedBytes.Clone();
            tampered[position] ^= (byte)(1 << random.Next(8));
            var e = await Assert.ThrowsAsync<SealedDataException>(() => Sealed.OpenAsync(tampered, key));
            Assert.Contains("failed authentication (tampered or truncated)", e.Message);
        }
    }

    [Fact]
    public async Task TruncationAtAChunkBoundaryIsDetected()
    {
        byte[] key = Sealed.NewKey();
        byte[] sealedBytes = await Sealed.SealAsync(Sealed.RandomBytes(3 * Chunk + 100, seed: 6), key);
        foreach (int chunksKept in new[] { 1, 2, 3 })
        {
            byte[] truncated = sealedBytes.AsSpan(0, Header + chunksKept * SealedChunk).ToArray();
            // The length is a valid one (full chunks only), so the reader opens; the new last chunk is not final.
            using var reader = new SealedReader(new MemoryRangeSource(truncated), truncated.Length, key);
            Assert.Equal(chunksKept * (long)Chunk, reader.PlainLength);
            await Assert.ThrowsAsync<SealedDataException>(() => Sealed.OpenAsync(truncated, key));
            // Reading at the (false) end checks the end too.
            await Assert.ThrowsAsync<SealedDataException>(async () => await reader.ReadAsync(reader.PlainLength, new byte[1]));
        }
    }

    [Fact]
    public async Task ALengthNoSealedObjectHasIsRejected()
    {
        byte[] key = Sealed.NewKey();
        byte[] sealedBytes = await Sealed.SealAsync(Sealed.RandomBytes(2 * Chunk, seed: 7), key);
        foreach (long length in new long[] { 0, 5, Header, Header + 15, Header + SealedChunk + 3, Header + SealedChunk + 16, Header + 2 * SealedChunk + 10 })
        {
            Assert.Throws<SealedDataException>(() => new SealedReader(new MemoryRangeSource(sealedBytes), length, key));
        }
        // A stored object shorter than the length it claims.
        var shortSource = new MemoryRangeSource(sealedBytes.AsSpan(0, sealedBytes.Length - 100).ToArray());
        await Assert.ThrowsAsync<SealedDataException>(() => Sealed.OpenAsync(shortSource, sealedBytes.Length, key));
    }

    [Fact]
    public async Task SwappedChunksAreDetected()
    {
        byte[] key = Sealed.NewKey();
        byte[] sealedBytes = await Sealed.SealAsync(Sealed.RandomBytes(3 * Chunk, seed: 8), key);
        byte[] swapped = (byte[])sealedBytes.Clone();
        sealedBytes.AsSpan(Header, SealedChunk).CopyTo(swapped.AsSpan(Header + SealedChunk));
        sealedBytes.AsSpan(Header + SealedChunk, SealedChunk).CopyTo(swapped.AsSpan(Header));
        await Assert.ThrowsAsync<SealedDataException>(() => Sealed.OpenAsync(swapped, key));

        // The final chunk moved forward (chunk 1 dropped) fails too.
        byte[] dropped = [.. sealedBytes.AsSpan(0, Header + SealedChunk), .. sealedBytes.AsSpan(Header + 2 * SealedChunk)];
        await Assert.ThrowsAsync<SealedDataException>(() => Sealed.OpenAsync(dropped, key));
    }

    [Fact]
    public async Task AnotherKeyOrAnotherObjectsHeaderFails()
    {
        byte[] key = Sealed.NewKey();
        byte[] plain = Sealed.RandomBytes(1000, seed: 9);
        byte[] sealedBytes = await Sealed.SealAsync(plain, key);
        await Assert.ThrowsAsync<SealedDataException>(() => Sealed.OpenAsync(sealedBytes, Sealed.NewKey()));

        byte[] other = await Sealed.SealAsync(plain, key);
        other.AsSpan(0, Header).CopyTo(sealedBytes);
        await Assert.ThrowsAsync<SealedDataException>(() => Sealed.OpenAsync(sealedBytes, key));
        Assert.Throws<ArgumentException>(() => new SealedReader(new MemoryRangeSource(sealedBytes), sealedBytes.Length, new byte[16]));
    }

    [Fact]
    public async Task ASealedMediaFileLooksRandomAndCarriesNoMediaSignature()
    {
        // Plaintext full of media signatures (an Ogg file's pages, a WebM and an MP4 header); a fixed key and
        // salt keep the output reproducible.
        var plain = new MemoryStream();
        plain.Write(new byte[] { 0x1A, 0x45, 0xDF, 0xA3, 0, 0, 0, 0x20 });
        plain.Write("ftypisom"u8);
        var random = new Random(10);
        while (plain.Length < 1024 * 1024)
        {
            plain.Write("OggS"u8);
            plain.Write(new byte[60]);
            byte[] payload = new byte[random.Next(100, 4000)];
            random.NextBytes(payload);
            plain.Write(payload);
        }
        byte[] key = Enumerable.Range(1, 32).Select(i => (byte)i).ToArray();
        var sealedStream = new MemoryStream();
        await SealedFormat.SealAsync(new MemoryStream(plain.ToArray()), sealedStream, key, "saltsalt"u8.ToArray(), CancellationToken.None);
        byte[] sealedBytes = sealedStream.ToArray();

        Assert.True(Entropy(sealedBytes) > 7.9, $"entropy {Entropy(sealedBytes):F4} bits/byte");
        Assert.Equal(-1, sealedBytes.AsSpan().IndexOf("OggS"u8));
        Assert.Equal(-1, sealedBytes.AsSpan().IndexOf(new byte[] { 0x1A, 0x45, 0xDF, 0xA3 }));
        Assert.Equal(-1, sealedBytes.AsSpan().IndexOf("ftyp"u8));
        Assert.Equal(plain.ToArray(), await Sealed.OpenAsync(sealedBytes, key));
    }

    [Fact]
    public async Task SealingStreamsFromANonSeekableSource()
    {
        const long length = 40L * 1024 * 1024 + 3;
        byte[] key = Sealed.NewKey();
        var counter = new CountingStream();
        await SealedFormat.SealAsync(new PatternStream(length), counter, key);
        Assert.Equal(SealedFormat.SealedLength(length), counter.Length);
    }

    [Fact]
    public async Task FileRangeSourceReadsAFile()
    {
        byte[] key = Sealed.NewKey();
        byte[] plain = Sealed.RandomBytes(150_000, seed: 11);
        string path = Path.Combine(Path.GetTempPath(), $"sparkle-sealed-{Guid.NewGuid():N}");
        try
        {
            await File.WriteAllBytesAsync(path, await Sealed.SealAsync(plain, key));
            using var source = new FileRangeSource(path);
            Assert.Equal(plain, await Sealed.OpenAsync(source, source.Length, key));
        }
        finally
        {
            File.Delete(path);
        }
        Assert.Throws<FileNotFoundException>(() => new FileRangeSource(path));
    }

    private static double Entropy(byte[] bytes)
    {
        long[] counts = new long[256];
        foreach (byte b in bytes)
        {
            counts[b]++;
        }
        return -counts.Where(c => c > 0).Sum(c => (double)c / bytes.Length * Math.Log2((double)c / bytes.Length));
    }

    /// <summary>A non-seekable source of <paramref name="length"/> patterned bytes.</summary>
    private sealed class PatternStream(long length) : Stream
    {
        private long _position;

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count)
        {
            // Odd-sized reads, as a pipe would give.
            int n = (int)Math.Min(Math.Min(count, 10_007), length - _position);
            for (int i = 0; i < n; i++)
            {
                buffer[offset + i] = (byte)(_position + i);
            }
            _position += n;
            return n;
        }

        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }

    private sealed class CountingStream : Stream
    {
        private long _length;

        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => _length;
        public override long Position { get => _length; set => throw new NotSupportedException(); }
        public override void Write(byte[] buffer, int offset, int count) => _length += count;
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
