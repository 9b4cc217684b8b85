using System.Net;

namespace Sparkle.Client;

/// <summary>/auth refused: Error is the API's code ("invalid_credentials", "rate_limited",
/// "invalid_refresh_token", "invalid_request"); RetryAfter is set with rate_limited.</summary>
public sealed class SignInFailedException : Exception
{
    public SignInFailedException(string error, string message, HttpStatusCode status, TimeSpan? retryAfter = null)
        : base(message)
    {
        Error = error;
        Status = status;
        RetryAfter = retryAfter;
    }

    public string Error { get; }

    public HttpStatusCode Status { get; }

    public TimeSpan? RetryAfter { get; }
}
