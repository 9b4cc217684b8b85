namespace Sparkle.Media.Tests;

/// <summary>Test signals and measurements.</summary>
internal static class Signal
{
    public static short[] Sine(double frequency, int sampleRate, int samples, double amplitude = 10000, double phase = 0)
    {
        var pcm = new short[samples];
        for (var i = 0; i < samples; i++)
        {
            pcm[i] = (short)Math.Round(amplitude * Math.Sin(2 * Math.PI * frequency * i / sampleRate + phase));
        }
        return pcm;
    }

    /// <summary>SNR (dB) of <paramref name="output"/> against <paramref name="reference"/>, after finding
    /// the codec delay (0..maxLag) and the least-squares gain; measured over the middle of the signal.</summary>
    public static (double SnrDb, int Lag, double Gain) Snr(ReadOnlySpan<short> reference, ReadOnlySpan<short> output, int maxLag, int skip)
    {
        var best = (Snr: double.NegativeInfinity, Lag: 0, Gain: 0.0);
        var length = Math.Min(reference.Length, output.Length) - maxLag - skip;
        for (var lag = 0; lag <= maxLag; lag++)
        {
            double rr = 0, ro = 0, oo = 0;
            for (var i = skip; i < skip + length; i++)
            {
                double r = reference[i];
                double o = output[i + lag];
                rr += r * r;
                ro += r * o;
                oo += o * o;
            }
            if (oo == 0)
            {
                continue;
            }
            var gain = ro / oo;
            var noise = rr - 2 * gain * ro + gain * gain * oo;
            var snr = 10 * Math.Log10(rr / Math.Max(noise, 1e-9));
            if (snr > best.Snr)
            {
                best = (snr, lag, gain);
            }
        }
        return best;
    }

    /// <summary>Amplitude of one frequency (single-bin DFT), in sample units.</summary>
    public static double ToneAmplitude(ReadOnlySpan<short> pcm, double frequency, int sampleRate)
    {
        double re = 0, im = 0;
        for (var i = 0; i < pcm.Length; i++)
        {
            var angle = 2 * Math.PI * frequency * i / sampleRate;
            re += pcm[i] * Math.Cos(angle);
            im += pcm[i] * Math.Sin(angle);
        }
        return 2 * Math.Sqrt(re * re + im * im) / pcm.Length;
    }

    public static double Rms(ReadOnlySpan<short> pcm)
    {
        double sum = 0;
        foreach (var s in pcm)
        {
            sum += s * (double)s;
        }
        return pcm.IsEmpty ? 0 : Math.Sqrt(sum / pcm.Length);
    }

    /// <summary>The tone's level as the median over 100 ms windows: robust to the phase jumps a
    /// real-time path makes when a jitter buffer drops or conceals a packet.</summary>
    public static double ToneLevel(ReadOnlySpan<short> pcm, double frequency, int sampleRate)
    {
        var window = sampleRate / 10;
        var levels = new List<double>();
        for (var start = 0; start + window <= pcm.Length; start += window)
        {
            levels.Add(ToneAmplitude(pcm.Slice(start, window), frequency, sampleRate));
        }
        levels.Sort();
        return levels.Count == 0 ? 0 : levels[levels.Count / 2];
    }
}
