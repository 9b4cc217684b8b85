using GraphQL;
using GraphQL.Execution;
using Microsoft.Extensions.Options;
using Sparkle.GraphQL.Identity;

namespace Sparkle.GraphQL.Transport;

/// <summary>Accepts WebSockets on /graphql speaking graphql-transport-ws and runs one session each.</summary>
public sealed class GraphQLWebSocketEndpoint(
    GraphQLRequestExecutor executor,
    IGraphQLTextSerializer serializer,
    IErrorInfoProvider errorInfo,
    CallerMapper callers,
    TokenAuthenticator authenticator,
    IOptions<GraphQLTransportOptions> options,
    ILogger<GraphQLWebSocketEndpoint> logger)
{
    public const string SubProtocol = "graphql-transport-ws";

    public async Task HandleAsync(HttpContext context)
    {
        if (!context.WebSockets.WebSocketRequestedProtocols.Contains(SubProtocol))
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            await context.Response.WriteAsync($"Use the {SubProtocol} subprotocol.", context.RequestAborted);
            return;
        }
        using var socket = await context.WebSockets.AcceptWebSocketAsync(SubProtocol);
        await using var scope = context.RequestServices.GetRequiredService<IServiceScopeFactory>().CreateAsyncScope();
        var session = new GraphQLWebSocketSession(socket, context, scope.ServiceProvider, executor, serializer, errorInfo,
            callers, authenticator, options.Value, logger);
        await session.RunAsync(context.RequestAborted);
    }
}
