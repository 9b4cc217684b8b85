namespace Sparkle.Transcription.Audio;

/// <summary>Says whether 16 kHz audio is narrowband (telephone: nothing above 4 kHz), so minutes from G.711
/// legs can be marked: the en-us model is wideband only and does not recognise upsampled 8 kHz speech.</summary>
public static class BandwidthDetector
{
    /// <summary>Energy above 4 kHz relative to the whole, in dB, under which audio counts as narrowband.
    /// Measured on the LibriVox clips (README): wideband and G.722 speech -19 to -33 dB, G.711 upsampled
    /// through Sparkle.Media's resampler below -60 dB.</summary>
    public const double DefaultThresholdDb = -45;

    private const int SampleRate = 16000;
    private static readonly float[] s_highPass = DesignHighPass(63, 4200.0 / SampleRate);

    /// <summary>True when the leg's codec is narrowband (<paramref name="codecNarrowband"/>: G.711, or Opus
    /// negotiated at 8 kHz) or the audio has no energy above 4 kHz.</summary>
    public static bool IsNarrowband(ReadOnlySpan<short> pcm16k, bool codecNarrowband = false, double thresholdDb = DefaultThresholdDb) =>
        codecNarrowband || HighBandRatioDb(pcm16k) < thresholdDb;

    /// <summary>Energy above ~4.2 kHz over total energy, in dB, over the louder half of 20 ms frames (the
    /// speech, not the pauses' noise floor). 0 dB for audio too short or too quiet to tell (not narrowband).</summary>
    public static double HighBandRatioDb(ReadOnlySpan<short> pcm16k)
    {
        const int frame = SampleRate / 50;
        var taps = s_highPass.Length;
        var frames = (pcm16k.Length - taps) / frame;
        if (frames < 5)
        {
            return 0;
        }
        var total = new double[frames];
        var high = new double[frames];
        for (var f = 0; f < frames; f++)
        {
            double t = 0, h = 0;
            for (var n = f * frame + taps - 1; n < (f + 1) * frame + taps - 1; n++)
            {
                double x = pcm16k[n];
                t += x * x;
                double y = 0;
                for (var k = 0; k < taps; k++)
                {
                    y += s_highPass[k] * pcm16k[n - k];
                }
                h += y * y;
            }
            total[f] = t;
            high[f] = h;
        }
        var order = Enumerable.Range(0, frames).OrderByDescending(f => total[f]).Take((frames + 1) / 2);
        double sumTotal = 0, sumHigh = 0;
        foreach (var f in order)
        {
            sumTotal += total[f];
            sumHigh += high[f];
        }
        if (sumTotal < frame * frames / 2.0 * 100) // RMS under 10: nothing to judge
        {
            return 0;
        }
        return 10 * Math.Log10(Math.Max(sumHigh, 1e-3) / sumTotal);
    }

    private static float[] DesignHighPass(int taps, double cutoff)
    {
        // Spectral inversion of a Blackman-windowed sinc low-pass.
        var h = new double[taps];
        var centre = (taps - 1) / 2;
        double sum = 0;
        for (var i = 0; i < taps; i++)
        {
            var x = i - centre;
            var sinc = x == 0 ? 2 * cutoff : Math.Sin(2 * Math.PI * cutoff * x) / (Math.PI * x);
            var w = 0.42 - 0.5 * Math.Cos(2 * Math.PI * i / (taps - 1)) + 0.08 * Math.Cos(4 * Math.PI * i / (taps - 1));
            h[i] = sinc * w;
            sum += h[i];
        }
        var result = new float[taps];
        for (var i = 0; i < taps; i++)
        {
            result[i] = (float)((i == centre ? 1 : 0) - h[i] / sum);
        }
        return result;
    }
}
