namespace Sparkle.Media.Jitter;

public enum JitterResult
{
    /// <summary>The next packet, in order.</summary>
    Packet = 0,
    /// <summary>The next packet is missing at its playout time: conceal it.</summary>
    Lost = 1,
    /// <summary>Nothing to play (not started, or the talker went quiet): play silence.</summary>
    Empty = 2,
}
