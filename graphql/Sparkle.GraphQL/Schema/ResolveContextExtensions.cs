using GraphQL;
using Sparkle.Grains.Identity;
using Sparkle.GraphQL.Transport;

namespace Sparkle.GraphQL.Schema;

public static class ResolveContextExtensions
{
    /// <summary>The authenticated caller, or an UNAUTHENTICATED error.</summary>
    public static Caller Caller(this IResolveFieldContext context) =>
        (context.UserContext as SparkleUserContext)?.Caller
        ?? throw new ExecutionError("Authentication required: send a valid bearer token.") { Code = ErrorCodes.Unauthenticated };

    public static IGrainFactory Grains(this IResolveFieldContext context) =>
        context.RequestServices?.GetRequiredService<IGrainFactory>()
        ?? throw new InvalidOperationException("No request services.");

    public static T Service<T>(this IResolveFieldContext context)
        where T : notnull =>
        context.RequestServices!.GetRequiredService<T>();

    /// <summary>A BAD_USER_INPUT error raised by the API itself (the grains raise ValidationException).</summary>
    public static ExecutionError BadInput(string message) => new(message) { Code = ErrorCodes.BadUserInput };

    public static ExecutionError Forbidden(string message) => new(message) { Code = ErrorCodes.Forbidden };

    public static ExecutionError NotFound(string message) => new(message) { Code = ErrorCodes.NotFound };
}
