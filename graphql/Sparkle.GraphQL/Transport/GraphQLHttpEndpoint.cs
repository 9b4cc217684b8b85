using System.Text.Json;
using GraphQL;
using GraphQL.Transport;
using Sparkle.GraphQL.Identity;

namespace Sparkle.GraphQL.Transport;

/// <summary>GraphQL over HTTP: POST with a JSON body, GET with query parameters (queries only).</summary>
public sealed class GraphQLHttpEndpoint(GraphQLRequestExecutor executor, IGraphQLTextSerializer serializer, CallerMapper callers,
    Microsoft.Extensions.Options.IOptions<GraphQLTransportOptions> options)
{
    private const string GraphQLResponseJson = "application/graphql-response+json";

    public async Task HandlePostAsync(HttpContext context)
    {
        if (context.Request.ContentType is not { } type || !type.Contains("json", StringComparison.OrdinalIgnoreCase))
        {
            await WriteErrorAsync(context, StatusCodes.Status415UnsupportedMediaType, ErrorCodes.BadRequest, "Send the request as application/json.");
            return;
        }
        // The body is bounded before it is read: an anonymous 17 MB of variables once grew the host by 900 MB.
        var limit = context.User.Identity?.IsAuthenticated != true ? options.Value.MaxAnonymousRequestBytes
            : context.User.HasClaim(c => c.Type is "scp" or "roles" && c.Value.Split(' ').Contains(ApiScopes.DirectorySync)) ? options.Value.MaxDirectorySyncRequestBytes
            : options.Value.MaxRequestBytes;
        if (context.Request.ContentLength > limit)
        {
            await WriteErrorAsync(context, StatusCodes.Status413PayloadTooLarge, ErrorCodes.BadRequest, $"The request body is larger than {limit} bytes.");
            return;
        }
        if (context.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } bodySize)
        {
            bodySize.MaxRequestBodySize = limit;
        }
        GraphQLRequest? request;
        try
        {
            request = await serializer.ReadAsync<GraphQLRequest>(context.Request.Body, context.RequestAborted);
        }
        catch (Microsoft.AspNetCore.Http.BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            await WriteErrorAsync(context, StatusCodes.Status413PayloadTooLarge, ErrorCodes.BadRequest, $"The request body is larger than {limit} bytes.");
            return;
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or FormatException or NotSupportedException)
        {
            await WriteErrorAsync(context, StatusCodes.Status400BadRequest, ErrorCodes.BadRequest, "The body is not a valid GraphQL request: " + ex.Message);
            return;
        }
        await ExecuteAsync(context, request, RequestTransport.HttpPost);
    }

    public async Task HandleGetAsync(HttpContext context)
    {
        var query = context.Request.Query;
        GraphQLRequest request;
        try
        {
            request = new GraphQLRequest
            {
                Query = query["query"].FirstOrDefault(),
                OperationName = query["operationName"].FirstOrDefault(),
                Variables = query["variables"].FirstOrDefault() is { Length: > 0 } v ? serializer.Deserialize<Inputs>(v) : null,
                Extensions = query["extensions"].FirstOrDefault() is { Length: > 0 } e ? serializer.Deserialize<Inputs>(e) : null,
            };
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or FormatException or NotSupportedException)
        {
            await WriteErrorAsync(context, StatusCodes.Status400BadRequest, ErrorCodes.BadRequest, "Invalid variables or extensions: " + ex.Message);
            return;
        }
        await ExecuteAsync(context, request, RequestTransport.HttpGet);
    }

    private async Task ExecuteAsync(HttpContext context, GraphQLRequest? request, RequestTransport transport)
    {
        if (request is null || (string.IsNullOrWhiteSpace(request.Query) && request.DocumentId is null))
        {
            await WriteErrorAsync(context, StatusCodes.Status400BadRequest, ErrorCodes.BadRequest, "A GraphQL request needs a query.");
            return;
        }
        var caller = callers.Map(context.User);
        var sentToken = context.Request.Headers.Authorization.Count > 0;
        if (sentToken && caller is null)
        {
            // A token was sent but is invalid, expired, or names no tenant user: say so instead of
            // silently running the request anonymously.
            context.Response.Headers.WWWAuthenticate = "Bearer";
            await WriteErrorAsync(context, StatusCodes.Status401Unauthorized, ErrorCodes.Unauthenticated, "The bearer token is invalid or expired.");
            return;
        }
        var userContext = new SparkleUserContext(caller, caller is null ? null : context.User, transport);
        var result = await executor.ExecuteAsync(request, userContext, context.RequestServices, context.RequestAborted);
        var status = !result.Executed && UsesGraphQLResponseJson(context) ? StatusCodes.Status400BadRequest : StatusCodes.Status200OK;
        await WriteAsync(context, status, result);
    }

    private Task WriteErrorAsync(HttpContext context, int status, string code, string message) =>
        WriteAsync(context, status, new ExecutionResult { Errors = [new ExecutionError(message) { Code = code }] });

    private async Task WriteAsync(HttpContext context, int status, ExecutionResult result)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = (UsesGraphQLResponseJson(context) ? GraphQLResponseJson : "application/json") + "; charset=utf-8";
        await serializer.WriteAsync(context.Response.Body, result, context.RequestAborted);
    }

    private static bool UsesGraphQLResponseJson(HttpContext context) =>
        context.Request.Headers.Accept.Any(a => a?.Contains(GraphQLResponseJson, StringComparison.OrdinalIgnoreCase) == true);
}
