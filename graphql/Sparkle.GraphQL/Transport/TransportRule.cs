using GraphQL.Validation;
using GraphQLParser.AST;

namespace Sparkle.GraphQL.Transport;

/// <summary>GET may only read (no mutation through a link or an image tag); subscriptions need the
/// WebSocket transport.</summary>
internal sealed class TransportRule : ValidationRuleBase
{
    public static readonly TransportRule Instance = new();

    public override ValueTask<INodeVisitor?> GetPreNodeVisitorAsync(ValidationContext context)
    {
        if (context.UserContext is SparkleUserContext user && context.Operation is { } operation)
        {
            if (user.Transport == RequestTransport.HttpGet && operation.Operation != OperationType.Query)
            {
                context.ReportError(new ValidationError(context.Document.Source, "TRANSPORT", "Only queries may be sent with GET; use POST.", operation));
            }
            else if (user.Transport != RequestTransport.WebSocket && operation.Operation == OperationType.Subscription)
            {
                context.ReportError(new ValidationError(context.Document.Source, "TRANSPORT", "Subscriptions need a WebSocket with the graphql-transport-ws protocol.", operation));
            }
        }
        return default;
    }
}
