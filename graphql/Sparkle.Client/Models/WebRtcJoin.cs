namespace Sparkle.Client;

/// <summary>A browser's place in a meeting: its participant id and the worker's SDP answer.</summary>
public sealed record WebRtcJoin(string ParticipantId, string Answer);
