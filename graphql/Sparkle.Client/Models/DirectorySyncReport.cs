namespace Sparkle.Client;

public sealed record DirectorySyncReport(int Created, int Updated, int Deleted, int Unchanged, IReadOnlyList<SyncRejection> Rejected);
