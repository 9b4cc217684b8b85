namespace Sparkle.GraphQL.Transport;

public enum RequestTransport
{
    HttpGet,
    HttpPost,
    WebSocket,
}
