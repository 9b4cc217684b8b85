namespace Sparkle.Recordings;

/// <summary>Sealed data failed authentication (tampered, truncated, wrong key).</summary>
public sealed class SealedDataException(string message) : Exception(message)
{
    internal const string Failed = "recording data failed authentication (tampered or truncated)";
}
