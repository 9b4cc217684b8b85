using GraphQL;
using GraphQL.Transport;
using GraphQL.Validation;
using Sparkle.GraphQL.Schema;

namespace Sparkle.GraphQL.Transport;

/// <summary>Runs one GraphQL request for either transport, with the limits and error mapping configured
/// on the executer.</summary>
public sealed class GraphQLRequestExecutor(IDocumentExecuter<SparkleSchema> executer, Microsoft.Extensions.Options.IOptions<GraphQLTransportOptions> options)
{
    private static readonly IValidationRule[] s_rules = [.. DocumentValidator.CoreRules, TransportRule.Instance];

    public Task<ExecutionResult> ExecuteAsync(GraphQLRequest request, SparkleUserContext userContext, IServiceProvider services, CancellationToken cancellationToken)
    {
        if (DocumentGate.Check(request.Query, userContext.Caller is null, options.Value) is { } refused)
        {
            return Task.FromResult(new ExecutionResult { Errors = [new ExecutionError(refused) { Code = ErrorCodes.BadRequest }] });
        }
        return executer.ExecuteAsync(new ExecutionOptions
        {
            Query = request.Query,
            DocumentId = request.DocumentId,
            Variables = request.Variables,
            OperationName = request.OperationName,
            Extensions = request.Extensions,
            UserContext = userContext,
            User = userContext.Principal,
            RequestServices = services,
            CancellationToken = cancellationToken,
            ValidationRules = s_rules,
        });
    }
}
