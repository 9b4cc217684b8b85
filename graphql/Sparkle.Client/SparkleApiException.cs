namespace Sparkle.Client;

/// <summary>The API answered with errors. Code is the first error's extensions.code
/// (UNAUTHENTICATED, FORBIDDEN, NOT_FOUND, BAD_USER_INPUT...).</summary>
public sealed class SparkleApiException : Exception
{
    public SparkleApiException(string message, string? code, IReadOnlyList<GraphQLError> errors)
        : base(message)
    {
        Code = code;
        Errors = errors;
    }

    public string? Code { get; }

    public IReadOnlyList<GraphQLError> Errors { get; }
}
