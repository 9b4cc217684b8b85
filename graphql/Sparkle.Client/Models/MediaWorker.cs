namespace Sparkle.Client;

/// <summary>A media worker as its last heartbeat reported it (platform operator only). Cpu is the process's share
/// of all its cores over the last heartbeat interval, 0..1. Draining: an operator drained it, so no new meetings
/// are placed on it.</summary>
public sealed record MediaWorker(string Id, string Address, string Version, int Legs, int Capacity, int Meetings, double Cpu, bool Draining, DateTimeOffset LastHeartbeat);
