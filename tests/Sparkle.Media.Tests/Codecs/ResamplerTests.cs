using Sparkle.Media.Codecs;
using Xunit.Abstractions;

namespace Sparkle.Media.Tests.Codecs;

public class ResamplerTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(8000, 48000)]
    [InlineData(16000, 48000)]
    [InlineData(8000, 16000)]
    [InlineData(48000, 8000)]
    [InlineData(48000, 16000)]
    [InlineData(16000, 8000)]
    public void InBandToneKeepsItsLevelAndShape(int from, int to)
    {
        var frequency = 1000.0;
        var input = Signal.Sine(frequency, from, from); // one second
        var resampler = new Resampler(from, to);
        var result = new short[to + 16];
        var written = 0;
        var frame = from / 50;
        for (var f = 0; f < 50; f++)
        {
            written += resampler.Process(input.AsSpan(f * frame, frame), result.AsSpan(written));
        }
        Assert.Equal(to, written);

        var expected = Signal.Sine(frequency, to, to);
        var (snr, lag, gain) = Signal.Snr(expected, result.AsSpan(0, written), maxLag: to / 100, skip: to / 20);
        output.WriteLine($"{from}->{to}: SNR {snr:F1} dB, delay {lag}, gain {gain:F3}");
        Assert.True(snr > 50, $"SNR {snr:F1} dB");
        Assert.InRange(Math.Abs(gain), 0.98, 1.02); // a pure tone cannot tell a delay from a half-period shift and sign
    }

    [Fact]
    public void DownsamplingRemovesToneAboveTheNewNyquist()
    {
        var input = Signal.Sine(6000, 48000, 48000); // above 4 kHz: must not alias into 8 kHz output
        var resampler = new Resampler(48000, 8000);
        var result = new short[8000];
        resampler.Process(input, result);
        Assert.True(Signal.Rms(result.AsSpan(1000)) < 10000 * 0.01, "aliased energy below -40 dB");
    }
}
