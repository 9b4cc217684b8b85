using System.Net.WebSockets;

namespace Sparkle.GraphQL.Transport;

/// <summary>What the session's single writer sends next: a text message or the closing handshake.</summary>
internal readonly record struct OutboundFrame(string? Text, WebSocketCloseStatus? CloseStatus = null, string? CloseReason = null);
