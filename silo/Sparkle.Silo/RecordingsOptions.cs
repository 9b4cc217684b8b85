namespace Sparkle.Silo;

/// <summary>Section "Recordings" (environment: Recordings__KeyFolder, Recordings__BlobConnectionString).</summary>
public sealed class RecordingsOptions
{
    public const string Section = "Recordings";

    /// <summary>Where the tenant key ring lives (one sealed file per tenant, mode 0600).</summary>
    public string KeyFolder { get; set; } = ".sparkle/keys/tenants";

    /// <summary>Azure Blob Storage (Azurite locally); unset: recording start fails with "Recording storage is not configured".</summary>
    public string? BlobConnectionString { get; set; }

    public string BlobContainer { get; set; } = "recordings";
}
