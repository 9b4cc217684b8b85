namespace Sparkle.Media.Transport;

/// <summary>Packet counters of one audio leg.</summary>
public sealed class AudioLegCounters : LegCounters;
