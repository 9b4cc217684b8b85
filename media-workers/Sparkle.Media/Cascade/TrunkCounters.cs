using Sparkle.Media.Transport;

namespace Sparkle.Media.Cascade;

/// <summary>A trunk end's packet counters (<see cref="LegCounters"/>), plus the trunk's own.</summary>
public sealed class TrunkCounters : LegCounters
{
    /// <summary>Datagrams that arrived before the trunk was connected (no key to check them with): dropped.</summary>
    public long BeforeConnect;
    /// <summary>Contributing sources (CSRCs) received that no SDES has named yet: left out of the speakers.</summary>
    public long UnnamedSources;
    /// <summary>SDES naming sent (each compound names every source used in the last seconds).</summary>
    public long NamesSent;
}
