namespace Sparkle.Sip.Transactions;

/// <summary>RFC 3261 Appendix A timer values. Tests shrink T1 or drive a fake TimeProvider.</summary>
public sealed record SipTimers
{
    public TimeSpan T1 { get; init; } = TimeSpan.FromMilliseconds(500);
    public TimeSpan T2 { get; init; } = TimeSpan.FromSeconds(4);
    public TimeSpan T4 { get; init; } = TimeSpan.FromSeconds(5);
    /// <summary>An INVITE server transaction sends 100 Trying if the TU has not answered by then (§17.2.1).</summary>
    public TimeSpan TryingDelay { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>B, F, H, J, L, M and the UAS's 2xx give-up time.</summary>
    public TimeSpan SixtyFourT1 => T1 * 64;
    /// <summary>Timer D on unreliable transports: at least 32 s.</summary>
    public TimeSpan TimerD => TimeSpan.FromTicks(Math.Max(TimeSpan.FromSeconds(32).Ticks, SixtyFourT1.Ticks));

    public static readonly SipTimers Default = new();
}
