using System.Security.Claims;
using Sparkle.Grains.Identity;

namespace Sparkle.GraphQL.Transport;

/// <summary>Per-request context handed to resolvers: the mapped caller and how the request came in.</summary>
public sealed class SparkleUserContext : Dictionary<string, object?>
{
    public SparkleUserContext(Caller? caller, ClaimsPrincipal? principal, RequestTransport transport)
    {
        Caller = caller;
        Principal = principal;
        Transport = transport;
    }

    public Caller? Caller { get; }

    public ClaimsPrincipal? Principal { get; }

    public RequestTransport Transport { get; }
}
