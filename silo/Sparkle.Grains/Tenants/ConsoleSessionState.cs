namespace Sparkle.Grains.Tenants;

[GenerateSerializer]
public sealed class ConsoleSessionState
{
    /// <summary>Live sessions by id (one refresh-token family each).</summary>
    [Id(0)] public Dictionary<Guid, ConsoleSessionRecord> Sessions { get; set; } = [];
}

[GenerateSerializer]
public sealed class ConsoleSessionRecord
{
    /// <summary>SHA-256 (hex) of the one refresh token that may be redeemed now.</summary>
    [Id(0)] public string CurrentHash { get; set; } = "";
    /// <summary>Hashes of tokens already redeemed: presenting one again means it was stolen.</summary>
    [Id(1)] public List<string> RotatedHashes { get; set; } = [];
    [Id(2)] public DateTimeOffset SlidingExpiry { get; set; }
    [Id(3)] public DateTimeOffset AbsoluteExpiry { get; set; }
}
