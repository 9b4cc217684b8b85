using GraphQL;
using GraphQL.Execution;

namespace Sparkle.GraphQL.Transport;

/// <summary>An error whose code has finer reasons a client acts on (OFFER_NOT_ACCEPTABLE: NoFingerprint, PlainRtp...):
/// the reason goes out as extensions.reason.</summary>
public sealed class ReasonedError : ExecutionError
{
    public ReasonedError(string message, string code, string reason)
        : base(message)
    {
        Code = code;
        Reason = reason;
    }

    public string Reason { get; }
}

/// <summary>The standard error shape (code, codes; no exception details), plus <see cref="ReasonedError.Reason"/>.</summary>
public sealed class SparkleErrorInfoProvider() : ErrorInfoProvider(new ErrorInfoProviderOptions { ExposeExceptionDetails = false })
{
    public override ErrorInfo GetInfo(ExecutionError executionError)
    {
        var info = base.GetInfo(executionError);
        if (executionError is ReasonedError reasoned)
        {
            var extensions = info.Extensions ?? new Dictionary<string, object?>();
            extensions["reason"] = reasoned.Reason;
            info.Extensions = extensions;
        }
        return info;
    }
}
