namespace Sparkle.GraphQL.Identity;

/// <summary>Section "Identity". Mode "Local" (embedded defaults: our own issuer, key in KeyFolder) or
/// "Entra" (Microsoft Entra ID through Microsoft.Identity.Web, section "AzureAd"). Both feed one
/// validation pipeline and one claims mapping.</summary>
public sealed class SparkleIdentityOptions
{
    public const string Section = "Identity";
    public const string LocalMode = "Local";
    public const string EntraMode = "Entra";

    public string Mode { get; set; } = LocalMode;
    public string KeyFolder { get; set; } = ".sparkle/keys";
    public string Issuer { get; set; } = "sparkle-local";
    public string Audience { get; set; } = "sparkle-api";
    /// <summary>Claim carrying the Sparkle tenant id (a GUID).</summary>
    public string TenantClaim { get; set; } = "tid";
    /// <summary>Claim carrying the user's number (SIP extension) in the tenant.</summary>
    public string UserClaim { get; set; } = "user_number";
    /// <summary>Lifetime of the demo tokens written into the seed file.</summary>
    public int DemoTokenLifetimeDays { get; set; } = 365;
}
