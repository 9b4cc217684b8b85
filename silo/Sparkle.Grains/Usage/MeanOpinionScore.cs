namespace Sparkle.Grains.Usage;

/// <summary>An estimated MOS of a leg from what the media worker measured: the E-model of ITU-T G.107 in its simplified
/// form (the usual VoIP-monitoring reduction, e.g. Cole and Rosenbluth 2001), on the narrowband scale:
/// <code>
///   R = R0 - Is - Id - Ie,eff + A                         (G.107 §3.1), with the default R0 - Is = 93.2 and A = 0
///   Id = 0.024 d + 0.11 (d - 177.3) H(d - 177.3)          (delay impairment, d = one-way delay in ms, H = step)
///   Ie,eff = Ie + (95 - Ie) Ppl / (Ppl / BurstR + Bpl)    (G.107 eq. 7-29, Ppl = loss in %, BurstR = 1: random loss)
///   MOS = 1 + 0.035 R + R (R - 60) (100 - R) 7e-6         (G.107 Annex B, for 0 &lt; R &lt; 100; 1 below, 4.5 above)
/// </code>
/// Ie and Bpl per codec are G.113 Appendix I's (G.711 with packet loss concealment: 0 and 25.1); the wideband codecs are
/// put on the narrowband scale with Ie 0 and the Bpl commonly used for codecs with good concealment, so the score says
/// how the call suffered, not how much better wideband sounds. The delay is estimated, since the worker does not measure
/// round trips: packetisation and codec look-ahead, a jitter buffer of twice the jitter (at least 40 ms), and 20 ms of
/// network.</summary>
public static class MeanOpinionScore
{
    private const double DefaultR = 93.2;
    private const double PacketisationMs = 20;
    private const double MinJitterBufferMs = 40;
    private const double AssumedNetworkMs = 20;

    /// <summary>The estimate, rounded to two decimals; null when the leg carried no audio to judge.</summary>
    public static double? Estimate(string? audioCodec, double lossFraction, double jitterMs)
    {
        if (audioCodec is null || double.IsNaN(lossFraction) || double.IsNaN(jitterMs))
        {
            return null;
        }

        var (ie, bpl, lookAheadMs) = CodecImpairment(audioCodec);
        var delay = PacketisationMs + lookAheadMs + Math.Max(MinJitterBufferMs, 2 * Math.Max(0, jitterMs)) + AssumedNetworkMs;
        var r = DefaultR - DelayImpairment(delay) - EffectiveEquipmentImpairment(ie, bpl, Math.Clamp(lossFraction, 0, 1) * 100);
        return Math.Round(FromR(r), 2);
    }

    /// <summary>G.107 Annex B: the MOS for a rating factor R.</summary>
    public static double FromR(double r) => r switch
    {
        <= 0 => 1,
        >= 100 => 4.5,
        _ => 1 + (0.035 * r) + (r * (r - 60) * (100 - r) * 7e-6),
    };

    public static double DelayImpairment(double oneWayMs) =>
        (0.024 * oneWayMs) + (oneWayMs > 177.3 ? 0.11 * (oneWayMs - 177.3) : 0);

    public static double EffectiveEquipmentImpairment(double ie, double bpl, double lossPercent) =>
        ie + ((95 - ie) * lossPercent / (lossPercent + bpl));

    /// <summary>Ie, Bpl and look-ahead (ms) by SDP encoding name.</summary>
    private static (double Ie, double Bpl, double LookAheadMs) CodecImpairment(string codec) => codec.ToUpperInvariant() switch
    {
        "PCMU" or "PCMA" => (0, 25.1, 0),
        "G722" => (0, 20, 1.5),
        "OPUS" => (0, 20, 6.5),
        _ => (11, 19, 10), // unknown: G.729A's figures, a cautious middle
    };
}
