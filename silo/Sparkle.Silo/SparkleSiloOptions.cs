namespace Sparkle.Silo;

/// <summary>Where this silo listens. Section "Silo" (environment: Silo__SiloPort, Silo__GatewayPort).</summary>
public sealed class SparkleSiloOptions
{
    public const string Section = "Silo";

    public int SiloPort { get; set; } = 11111;
    public int GatewayPort { get; set; } = 30000;
    /// <summary>The address other silos and clients reach this silo at.</summary>
    public string AdvertisedAddress { get; set; } = "127.0.0.1";
    /// <summary>Apply infra/sql/postgresql (embedded) before Orleans starts.</summary>
    public bool ApplySchema { get; set; } = true;
}
