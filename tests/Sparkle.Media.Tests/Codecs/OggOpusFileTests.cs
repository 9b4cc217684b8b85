using Sparkle.Media.Codecs;
using Sparkle.Media.Recording;

namespace Sparkle.Media.Tests.Codecs;

/// <summary>Ogg Opus files as the recorder writes utterances (libavformat), decoded back for replay.</summary>
public sealed class OggOpusFileTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("ogg-opus-tests-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    /// <summary>An utterance file of <paramref name="frames"/> 20 ms frames of a tone, encoded at <paramref name="rate"/>.</summary>
    internal static byte[] ToneFile(string folder, double frequency, int frames, int rate = 48000, double amplitude = 8000)
    {
        var path = Path.Combine(folder, $"{Guid.NewGuid():N}.opus");
        using var opus = new OpusEncoder(32000, complexity: 5, expectedLossPercent: 0, sampleRate: rate);
        var packet = new byte[1500];
        var samples = rate / 50;
        using (var writer = new MediaFileWriter(path, RecordingContainer.OggOpus))
        {
            writer.AddOpusAudio(1, inputSampleRate: rate);
            writer.Begin();
            for (var i = 0; i < frames; i++)
            {
                var tone = Signal.Sine(frequency, rate, samples, amplitude, phase: 2 * Math.PI * frequency * i * samples / rate);
                var length = opus.Encode(tone, packet);
                writer.WriteAudio(packet.AsSpan(0, length), i * 960L, 960);
            }
            writer.Finish();
        }
        return File.ReadAllBytes(path);
    }

    [Theory]
    [InlineData(48000)]
    [InlineData(8000)]
    public void AnUtteranceDecodesToItsExactLengthAndTone(int rate)
    {
        var file = ToneFile(_folder, 660, 100, rate);

        var pcm = OggOpusFile.DecodeToPcm48(file);

        // RFC 7845: the last granule position (here the 100 frames' 96000) less the pre-skip is the length.
        Assert.Equal(100 * 960 - MediaFileWriter.OpusPreSkip, pcm.Length);
        Assert.InRange(Signal.ToneAmplitude(pcm.AsSpan(24000, 48000), 660, 48000), 8000 * 0.85, 8000 * 1.15);
        Assert.Equal(48000, OggOpusFile.DecodeToPcm48(file, maxSamples: 48000).Length);
    }

    [Fact]
    public void PacketsSpanningPagesAreJoined()
    {
        // OpusHead, OpusTags, then one 600-byte packet laced over two pages (255, 255, 90).
        var head = "OpusHead"u8.ToArray().Concat(new byte[] { 1, 1, 0, 0, 0x80, 0xBB, 0, 0, 0, 0, 0 }).ToArray();
        var tags = "OpusTags"u8.ToArray().Concat(new byte[8]).ToArray();
        var big = Enumerable.Range(0, 600).Select(i => (byte)i).ToArray();
        var file = Page(0, 2, [head]).Concat(Page(0, 0, [tags]))
            .Concat(Page(0, -1, [big[..510]], open: true)).Concat(Page(1, 960, [big[510..]], continued: true)).ToArray();

        var packets = OggOpusFile.ReadPackets(file, out var granule);

        Assert.Equal(3, packets.Count);
        Assert.Equal(big, packets[2]);
        Assert.Equal(960, granule);
    }

    [Fact]
    public void EveryTruncatedPrefixIsRefusedOrDecodesShorter()
    {
        var file = ToneFile(_folder, 440, 10);
        for (var length = 0; length < file.Length; length += 7)
        {
            try
            {
                var pcm = OggOpusFile.DecodeToPcm48(file.AsSpan(0, length));
                Assert.True(pcm.Length < 10 * 960, $"a prefix of {length} bytes decoded to {pcm.Length} samples");
            }
            catch (InvalidDataException)
            {
            }
        }
        Assert.Throws<InvalidDataException>(() => OggOpusFile.DecodeToPcm48("not an ogg file at all, just text"u8));
    }

    /// <summary>An Ogg page (CRC left 0: the reader does not check it) carrying the given segments' bytes.</summary>
    private static byte[] Page(int sequence, long granule, byte[][] packets, bool open = false, bool continued = false)
    {
        var lacing = new List<byte>();
        foreach (var (packet, index) in packets.Select((p, i) => (p, i)))
        {
            var left = packet.Length;
            while (left >= 255)
            {
                lacing.Add(255);
                left -= 255;
            }
            if (!(open && index == packets.Length - 1))
            {
                lacing.Add((byte)left);
            }
        }
        var header = new byte[27];
        "OggS"u8.CopyTo(header);
        header[5] = (byte)(continued ? 1 : 0);
        BitConverter.TryWriteBytes(header.AsSpan(6), granule);
        BitConverter.TryWriteBytes(header.AsSpan(14), 7u);
        BitConverter.TryWriteBytes(header.AsSpan(18), sequence);
        header[26] = (byte)lacing.Count;
        return [.. header, .. lacing, .. packets.SelectMany(p => p)];
    }
}
