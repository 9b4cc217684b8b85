namespace Sparkle.Media.Mixing;

/// <summary>Audio played into one leg only (a private replay), at the mix rate. Built off the mixer thread and
/// handed over whole (<see cref="MixerLeg.PlayPrivately"/>); the mixer thread only reads it and advances
/// <see cref="Position"/>, so a tick allocates nothing.</summary>
public sealed class PrivatePlayback
{
    /// <param name="pcm48">Mono 16-bit PCM at <see cref="MixerOptions.MixRate"/>; owned by the playback from here on.</param>
    public PrivatePlayback(short[] pcm48, int length)
    {
        ArgumentNullException.ThrowIfNull(pcm48);
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(length, pcm48.Length);
        Pcm = pcm48;
        Length = length;
    }

    public PrivatePlayback(short[] pcm48)
        : this(pcm48, pcm48?.Length ?? 0)
    {
    }

    internal short[] Pcm { get; }
    public int Length { get; }

    /// <summary>Samples played so far (mixer thread).</summary>
    public int Position { get; internal set; }

    public TimeSpan Duration => TimeSpan.FromSeconds((double)Length / MixerOptions.MixRate);

    public bool Finished => Position >= Length;
}
