namespace Sparkle.Recordings;

/// <summary>The key-encryption key that wrapped a data key is gone (rotated away, or the tenant forgotten):
/// what it protected can no longer be read, by design.</summary>
public sealed class KeyUnavailableException(string message) : Exception(message);
