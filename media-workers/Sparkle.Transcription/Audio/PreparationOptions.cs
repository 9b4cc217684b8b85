namespace Sparkle.Transcription.Audio;

/// <summary>Which conditioning steps <see cref="AudioPreparation"/> applies after the conversion to mono at
/// the engine's rate. The defaults are what measured best with PocketSphinx (README: WER with and without
/// each step): gain normalisation only. DC removal was as often worse as better; pre-emphasis made wideband
/// speech worse (PocketSphinx's front end already pre-emphasises).</summary>
public sealed record PreparationOptions
{
    /// <summary>A 20 Hz one-pole high-pass that takes out DC offset and rumble.</summary>
    public bool RemoveDc { get; init; }

    /// <summary>Scales to <see cref="TargetRmsDbfs"/> over the louder frames, limited by the peak (never
    /// clips) and by <see cref="MaxGainDb"/> (silence is not blown up to speech level).</summary>
    public bool NormaliseGain { get; init; } = true;

    public double TargetRmsDbfs { get; init; } = -20;

    public double MaxGainDb { get; init; } = 30;

    /// <summary>y[n] = x[n] - 0.97 x[n-1]. PocketSphinx's front end already does this (-alpha 0.97).</summary>
    public bool PreEmphasis { get; init; }

    public static PreparationOptions Default { get; } = new();

    public static PreparationOptions None { get; } = new() { RemoveDc = false, NormaliseGain = false, PreEmphasis = false };
}
