using Sparkle.Media.Codecs;
using Xunit.Abstractions;

namespace Sparkle.Media.Tests.Codecs;

public class CodecRoundTripTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(AudioCodec.Pcmu, 35)]
    [InlineData(AudioCodec.Pcma, 35)]
    [InlineData(AudioCodec.G722, 25)]
    [InlineData(AudioCodec.Opus, 15)]
    public void SineSurvivesEncodeDecode(AudioCodec codec, double minimumSnrDb)
    {
        var rate = codec.SampleRate();
        var frame = rate / 50;
        var input = Signal.Sine(700, rate, frame * 50);
        var decoded = new short[input.Length + frame];
        using var encoder = codec.CreateEncoder();
        using var decoder = codec.CreateDecoder();
        var payload = new byte[1500];
        var written = 0;
        for (var f = 0; f < 50; f++)
        {
            var length = encoder.Encode(input.AsSpan(f * frame, frame), payload);
            Assert.True(length > 0, $"{codec} encode failed");
            written += decoder.Decode(payload.AsSpan(0, length), decoded.AsSpan(written));
        }
        Assert.Equal(input.Length, written);

        var (snr, lag, gain) = Signal.Snr(input, decoded.AsSpan(0, written), maxLag: rate / 100, skip: frame * 5);
        output.WriteLine($"{codec}: SNR {snr:F1} dB, delay {lag} samples, gain {gain:F3}");
        Assert.True(snr >= minimumSnrDb, $"{codec}: SNR {snr:F1} dB < {minimumSnrDb} dB");
    }

    [Fact]
    public void G711TablesMatchKnownCodeWords()
    {
        Assert.Equal(0xFF, G711.LinearToUlaw(0));
        Assert.Equal(0x80, G711.LinearToUlaw(short.MaxValue));
        Assert.Equal(0x00, G711.LinearToUlaw(short.MinValue));
        Assert.Equal(0xD5, G711.LinearToAlaw(0));
        Assert.Equal(0, G711.UlawToLinear(0xFF));
        Assert.Equal(-8, G711.AlawToLinear(0x55));
        Assert.Equal(32124, G711.UlawToLinear(0x80));
        Assert.Equal(32256, G711.AlawToLinear(0xAA));
        // Every code word decodes to a value that encodes back to itself (except μ-law's negative zero).
        for (var code = 0; code < 256; code++)
        {
            Assert.Equal(code, G711.LinearToAlaw(G711.AlawToLinear((byte)code)));
            if (code != 0x7F)
            {
                Assert.Equal(code, G711.LinearToUlaw(G711.UlawToLinear((byte)code)));
            }
        }
    }

    [Fact]
    public void OpusConcealsALostFrameWithFecFromTheNextPacket()
    {
        var input = Signal.Sine(440, 48000, 960 * 10);
        using var encoder = new OpusEncoder(expectedLossPercent: 20);
        using var decoder = new OpusDecoder();
        var packets = new List<byte[]>();
        var payload = new byte[1500];
        for (var f = 0; f < 10; f++)
        {
            var n = encoder.Encode(input.AsSpan(f * 960, 960), payload);
            packets.Add(payload.AsSpan(0, n).ToArray());
        }
        var pcm = new short[960];
        for (var f = 0; f < 6; f++)
        {
            decoder.Decode(packets[f], pcm);
        }
        // Frame 6 lost; frame 7's FEC rebuilds it.
        var concealed = decoder.Conceal(pcm, 960, packets[7]);
        Assert.Equal(960, concealed);
        Assert.True(Signal.ToneAmplitude(pcm, 440, 48000) > 3000, "FEC recovered frame carries the tone");
    }

    [Fact]
    public void G711ConcealmentContinuesTheTone()
    {
        var input = Signal.Sine(500, 8000, 160 * 8);
        using var decoder = new G711Decoder(aLaw: false);
        var encoded = new byte[160];
        var pcm = new short[160];
        for (var f = 0; f < 6; f++)
        {
            G711.Encode(input.AsSpan(f * 160, 160), encoded, aLaw: false);
            decoder.Decode(encoded, pcm);
        }
        decoder.Conceal(pcm, 160, default);
        Assert.True(Signal.ToneAmplitude(pcm, 500, 8000) > 5000);
    }

    [Theory]
    [InlineData(AudioCodec.Opus)]
    [InlineData(AudioCodec.G722)]
    [InlineData(AudioCodec.Pcmu)]
    public void GarbagePayloadsDoNotCrashDecoders(AudioCodec codec)
    {
        using var decoder = codec.CreateDecoder();
        var random = new Random(7);
        var pcm = new short[5760];
        for (var i = 0; i < 500; i++)
        {
            var garbage = new byte[random.Next(0, 400)];
            random.NextBytes(garbage);
            var n = decoder.Decode(garbage, pcm);
            Assert.InRange(n, -1, pcm.Length);
        }
    }
}

public class OpusPacketTests
{
    [Fact]
    public void SendersVadFlagTellsSpeechFromSilence()
    {
        using var encoder = new OpusEncoder();
        var payload = new byte[1500];
        var tone = Signal.Sine(300, 48000, 960 * 20, 8000);
        var silence = new short[960];
        int n = 0;
        for (var f = 0; f < 20; f++)
        {
            n = encoder.Encode(tone.AsSpan(f * 960, 960), payload);
        }
        Assert.False(OpusPacket.IsMarkedSilent(payload.AsSpan(0, n)));
        for (var f = 0; f < 20; f++)
        {
            n = encoder.Encode(silence, payload);
        }
        Assert.True(OpusPacket.IsMarkedSilent(payload.AsSpan(0, n)));
    }

    [Fact]
    public void CeltOnlyAndMultiFramePacketsAreNeverSkipped()
    {
        Assert.False(OpusPacket.IsMarkedSilent([16 << 3, 0x00, 0x00])); // CELT-only config 16
        Assert.False(OpusPacket.IsMarkedSilent([(15 << 3) | 3, 0x00, 0x00])); // code 3: several frames
        Assert.True(OpusPacket.IsMarkedSilent([15 << 3])); // empty frame (DTX)
    }
}
