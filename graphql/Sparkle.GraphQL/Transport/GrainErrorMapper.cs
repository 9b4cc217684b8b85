using GraphQL;
using GraphQL.Execution;
using Sparkle.Grains.Identity;

namespace Sparkle.GraphQL.Transport;

/// <summary>Turns exceptions from the grains into typed, readable GraphQL errors. Unknown failures are
/// logged and reported without internals.</summary>
internal static class GrainErrorMapper
{
    public static Task HandleAsync(UnhandledExceptionContext context)
    {
        var original = context.OriginalException;
        var (code, message) = original switch
        {
            AccessDeniedException e => (ErrorCodes.Forbidden, Readable(e.Message, "You are not allowed to do this.")),
            NotFoundException e => (ErrorCodes.NotFound, Readable(e.Message, "Not found.")),
            ValidationException e => (e.Code ?? ErrorCodes.BadUserInput, Readable(e.Message, "Invalid input.")),
            SiloUnavailableException or TimeoutException or OrleansMessageRejectionException
                => (ErrorCodes.Unavailable, "The cluster is not reachable right now; try again."),
            _ => (ErrorCodes.Internal, "Internal error."),
        };
        if (code == ErrorCodes.Internal || code == ErrorCodes.Unavailable)
        {
            var logger = context.ExecutionOptions.RequestServices?.GetService<ILoggerFactory>()?.CreateLogger("Sparkle.GraphQL");
            logger?.LogError(original, "Unhandled error in {Field}", context.FieldContext?.FieldDefinition.Name);
        }
        context.Exception = new ExecutionError(message, original) { Code = code };
        return Task.CompletedTask;
    }

    private static string Readable(string message, string fallback) =>
        string.IsNullOrWhiteSpace(message) || message.StartsWith("Exception of type", StringComparison.Ordinal) ? fallback : message;
}
