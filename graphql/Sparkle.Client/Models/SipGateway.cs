namespace Sparkle.Client;

/// <summary>A SIP gateway as its last heartbeat reported it (platform operator only).</summary>
public sealed record SipGateway(string Id, string Address, string Version, int Calls, DateTimeOffset LastHeartbeat);
