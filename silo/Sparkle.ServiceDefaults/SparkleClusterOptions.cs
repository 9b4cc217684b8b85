namespace Sparkle.ServiceDefaults;

/// <summary>Where the cluster's membership table lives and which cluster to join. Bound from the
/// configuration section "Cluster" (environment: Cluster__ConnectionString, or SPARKLE_PG).</summary>
public sealed class SparkleClusterOptions
{
    public const string Section = "Cluster";
    /// <summary>ADO.NET invariant of Npgsql, as the Orleans AdoNet providers name it.</summary>
    public const string Invariant = "Npgsql";

    public string ConnectionString { get; set; } = "Host=127.0.0.1;Port=5433;Username=sparkle;Database=sparkle";
    public string ClusterId { get; set; } = "sparkle";
    public string ServiceId { get; set; } = "sparkle-cloud";
}
