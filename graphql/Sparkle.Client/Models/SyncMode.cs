namespace Sparkle.Client;

public enum SyncMode { Full, Delta }
