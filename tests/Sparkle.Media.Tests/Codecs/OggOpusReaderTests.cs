using Sparkle.Media.Codecs;
using Sparkle.Media.Recording;

namespace Sparkle.Media.Tests.Codecs;

/// <summary>Ogg Opus files as the recorder writes utterances (libavformat), decoded back for replay.</summary>
public sealed class OggOpusReaderTests : IDisposable
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

        var audio = OggOpusReader.Read(file, TimeSpan.FromMinutes(1));

        // RFC 7845: the last granule position (here the 100 frames' 96000) less the pre-skip is the length.
        Assert.Equal(100 * 960 - MediaFileWriter.OpusPreSkip, audio.Pcm.Length);
        Assert.InRange(Signal.ToneAmplitude(audio.Pcm.AsSpan(24000, 48000), 660, 48000), 8000 * 0.85, 8000 * 1.15);
        // The recorder writes the leg's codec rate into the OpusHead: the transcriber tells G.711 legs by it.
        Assert.Equal(rate, audio.InputSampleRate);
        Assert.Throws<InvalidDataException>(() => OggOpusReader.Read(file, TimeSpan.FromSeconds(1)));
    }

    [Fact]
    public void PacketsSpanningPagesAreJoined()
    {
        // OpusHead, OpusTags, then one large Opus packet (a loud 20 ms frame at 256 kbit/s) laced over two
        // pages, the second ending the stream.
        var head = "OpusHead"u8.ToArray().Concat(new byte[] { 1, 1, 0, 0, 0x80, 0xBB, 0, 0, 0, 0, 0 }).ToArray();
        var tags = "OpusTags"u8.ToArray().Concat(new byte[8]).ToArray();
        using var opus = new OpusEncoder(256000, complexity: 5, expectedLossPercent: 0, sampleRate: 48000);
        var buffer = new byte[1500];
        var length = opus.Encode(Signal.Sine(660, 48000, 960, 8000), buffer);
        Assert.True(length > 300, $"the packet ({length} bytes) must span pages");
        var big = buffer[..length];
        var file = Page(0, 2, [head]).Concat(Page(1, 0, [tags]))
            .Concat(Page(2, -1, [big[..255]], open: true)).Concat(Page(3, 960, [big[255..]], continued: true, end: true)).ToArray();

        var audio = OggOpusReader.Read(file, TimeSpan.FromMinutes(1));

        Assert.Equal(960, audio.Pcm.Length);
    }

    [Fact]
    public void EveryTruncatedPrefixIsRefusedOrDecodesShorter()
    {
        var file = ToneFile(_folder, 440, 10);
        for (var length = 0; length < file.Length; length += 7)
        {
            try
            {
                var pcm = OggOpusReader.Read(file.AsSpan(0, length), TimeSpan.FromMinutes(1)).Pcm;
                Assert.True(pcm.Length < 10 * 960, $"a prefix of {length} bytes decoded to {pcm.Length} samples");
            }
            catch (InvalidDataException)
            {
            }
        }
        Assert.Throws<InvalidDataException>(() => OggOpusReader.Read("not an ogg file at all, just text"u8, TimeSpan.FromMinutes(1)));
    }

    /// <summary>An Ogg page (with its CRC) carrying the given segments' bytes.</summary>
    private static byte[] Page(int sequence, long granule, byte[][] packets, bool open = false, bool continued = false, bool end = false)
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
        header[5] = (byte)((continued ? 1 : 0) | (sequence == 0 ? 2 : 0) | (end ? 4 : 0));
        BitConverter.TryWriteBytes(header.AsSpan(6), granule);
        BitConverter.TryWriteBytes(header.AsSpan(14), 7u);
        BitConverter.TryWriteBytes(header.AsSpan(18), sequence);
        header[26] = (byte)lacing.Count;
        byte[] page = [.. header, .. lacing, .. packets.SelectMany(p => p)];
        BitConverter.TryWriteBytes(page.AsSpan(22), OggCrc.Compute(page));
        return page;
    }
}
