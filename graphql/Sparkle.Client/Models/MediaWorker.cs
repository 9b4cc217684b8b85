namespace Sparkle.Client;

/// <summary>A media worker as its last heartbeat reported it (platform operator only). Cpu is the process's share
/// of all its cores over the last heartbeat interval, 0..1.</summary>
public sealed record MediaWorker(string Id, string Address, string Version, int Legs, int Capacity, int Meetings, double Cpu, DateTimeOffset LastHeartbeat);
