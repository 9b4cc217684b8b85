using GraphQL;
using Sparkle.GraphQL.Schema;

namespace Sparkle.GraphQL.Transport;

public static class GraphQLServiceExtensions
{
    public static IServiceCollection AddSparkleGraphQL(this IServiceCollection services, IConfiguration configuration)
    {
        var section = configuration.GetSection(GraphQLTransportOptions.Section);
        services.Configure<GraphQLTransportOptions>(section);
        var limits = section.Get<GraphQLTransportOptions>() ?? new GraphQLTransportOptions();
        services.AddGraphQL(b => b
            .AddSchema<SparkleSchema>()
            .AddGraphTypes(typeof(SparkleSchema).Assembly)
            .AddSystemTextJson()
            .AddErrorInfoProvider<SparkleErrorInfoProvider>()
            .AddComplexityAnalyzer(c =>
            {
                c.MaxDepth = limits.MaxDepth;
                c.MaxComplexity = limits.MaxComplexity;
            })
            .AddUnhandledExceptionHandler(GrainErrorMapper.HandleAsync));
        services.AddSingleton<GraphQLRequestExecutor>();
        services.AddSingleton<GraphQLHttpEndpoint>();
        services.AddSingleton<GraphQLWebSocketEndpoint>();
        return services;
    }

    public static IEndpointRouteBuilder MapSparkleGraphQL(this IEndpointRouteBuilder endpoints, string path)
    {
        endpoints.MapPost(path, (HttpContext context, GraphQLHttpEndpoint endpoint) => endpoint.HandlePostAsync(context));
        endpoints.MapGet(path, (HttpContext context, GraphQLHttpEndpoint endpoint, GraphQLWebSocketEndpoint ws) =>
            context.WebSockets.IsWebSocketRequest ? ws.HandleAsync(context) : endpoint.HandleGetAsync(context));
        endpoints.MapGet(path + "/schema.graphql", (HttpContext context, SparkleSchema schema, Identity.CallerMapper callers,
                Microsoft.Extensions.Options.IOptions<GraphQLTransportOptions> options) =>
            options.Value.PublicSchema || callers.Map(context.User) is not null
                ? Results.Text(SchemaSdl.Print(schema), "text/plain; charset=utf-8")
                : Results.Text("The schema needs a token on this server.", "text/plain; charset=utf-8", statusCode: StatusCodes.Status401Unauthorized));
        return endpoints;
    }
}
