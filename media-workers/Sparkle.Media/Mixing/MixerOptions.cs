namespace Sparkle.Media.Mixing;

public sealed record MixerOptions
{
    /// <summary>The rate the mix is built at; every codec rate divides it.</summary>
    public const int MixRate = 48000;
    public const int FrameMs = 20;
    public const int MixFrameSamples = MixRate / 1000 * FrameMs;

    /// <summary>How many of the loudest talkers are mixed.</summary>
    public int MaxSpeakers { get; init; } = 3;

    /// <summary>Frames a talker stays "speaking" after its last voiced frame (hangover).</summary>
    public int HangoverFrames { get; init; } = 15;

    /// <summary>Voice must be this far above the tracked noise floor (dB).</summary>
    public double VoiceAboveFloorDb { get; init; } = 9;

    /// <summary>Below this level (dBov) a frame is never voice.</summary>
    public double AbsoluteFloorDbov { get; init; } = -50;

    /// <summary>Smoothing of the speaker score (share of the new frame).</summary>
    public double ScoreSmoothing { get; init; } = 0.2;

    /// <summary>A current speaker keeps its place unless a newcomer's score is this many times higher.</summary>
    public double SpeakerStickiness { get; init; } = 1.5;

    /// <summary>How far the meeting is lowered (dB) under a private replay in one leg.</summary>
    public double PlaybackDuckDb { get; init; } = -12;
}
