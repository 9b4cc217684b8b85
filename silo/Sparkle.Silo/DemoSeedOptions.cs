namespace Sparkle.Silo;

/// <summary>Section "Seed": the demo tenants written on first start, and where their credentials go.</summary>
public sealed class DemoSeedOptions
{
    public const string Section = "Seed";

    public bool Demo { get; set; } = true;
    /// <summary>The JSON file for people and scripts (run.sh passes .sparkle/demo.json); none if empty.</summary>
    public string? DemoFile { get; set; }
    public string GraphQL { get; set; } = "http://127.0.0.1:8080/graphql";
    public string SipUdp { get; set; } = "127.0.0.1:5060";
    /// <summary>Defaults to the UDP address: SIP listens on one port for both.</summary>
    public string? SipTcp { get; set; }
    public string SipTls { get; set; } = "127.0.0.1:5061";
}
