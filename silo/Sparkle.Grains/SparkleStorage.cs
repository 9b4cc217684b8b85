namespace Sparkle.Grains;

/// <summary>The one grain-storage provider every persistent grain uses (ADO.NET on PostgreSQL in the
/// silo, memory in behaviour tests).</summary>
public static class SparkleStorage
{
    public const string Name = "sparkle";
}
