namespace Sparkle.Grains.Tenants;

/// <summary>A user's SIP digest credentials and web-console password: hashes only.</summary>
[GenerateSerializer]
public sealed class UserState
{
    [Id(0)] public bool HasCredentials { get; set; }
    [Id(1)] public string Realm { get; set; } = "";
    [Id(2)] public string Ha1Md5 { get; set; } = "";
    [Id(3)] public string Ha1Sha256 { get; set; } = "";
    /// <summary>PBKDF2 of the web-console password; null: no console sign-in (states written before it read as null).</summary>
    [Id(4)] public Identity.ConsolePasswordHash? ConsolePassword { get; set; }
}
