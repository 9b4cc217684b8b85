using System.Collections.Concurrent;
using System.Net;
using Sparkle.Grains.Identity;
using Sparkle.Grains.Tenants;
using Sparkle.Sip.Messages;

namespace Sparkle.Gateway.Focus;

/// <summary>A tenant as the gateway needs it: its id, its digest realm (first SIP domain) and policies.</summary>
public sealed record TenantContext(Guid Id, string Domain, string Realm, TenantPolicies Policies)
{
    /// <summary>The TLS-only policy: signalling on any other transport is refused (403).</summary>
    public bool Refuses(Sparkle.Sip.Transport.SipTransportKind transport) =>
        Policies.TlsOnlySignalling && transport != Sparkle.Sip.Transport.SipTransportKind.Tls;
}

/// <summary>Finds the tenant from the Request-URI's domain (nothing of one tenant is reachable from another),
/// caching answers briefly so a burst of requests does not query the registry each time.</summary>
public sealed class TenantDirectory(IGrainFactory grains)
{
    private static readonly TimeSpan s_ttl = TimeSpan.FromSeconds(30);
    private readonly ConcurrentDictionary<string, (TenantContext? Tenant, DateTimeOffset At)> _byDomain = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<Guid, (TenantContext Tenant, DateTimeOffset At)> _byId = new();

    /// <summary>The domain naming the tenant: the Request-URI host; when that is an IP address (a client
    /// addressing the gateway directly, or dialling or subscribing to the focus's Contact URI as RFC 4579
    /// lets it, as liblinphone does), the To host; when that is an address too, the From host: the
    /// requester's own domain, against whose realm any tenant user must then authenticate.</summary>
    public static string DomainOf(SipRequest request)
    {
        var host = request.RequestUri.HostName;
        if (!IPAddress.TryParse(host, out _))
        {
            return host;
        }
        foreach (var uri in new[] { request.To?.Uri, request.From?.Uri })
        {
            if (uri is { IsSip: true } && !IPAddress.TryParse(uri.HostName, out _))
            {
                return uri.HostName;
            }
        }
        return host;
    }

    public async Task<TenantContext?> FindAsync(string domain)
    {
        if (_byDomain.TryGetValue(domain, out var cached) && DateTimeOffset.UtcNow - cached.At < s_ttl)
        {
            return cached.Tenant;
        }
        var id = await grains.GetGrain<ITenantRegistryGrain>(0).FindByDomainAsync(domain.ToLowerInvariant());
        var tenant = id is { } tenantId ? await GetAsync(tenantId, domain) : null;
        _byDomain[domain] = (tenant, DateTimeOffset.UtcNow);
        return tenant;
    }

    public async Task<TenantContext> GetAsync(Guid tenantId, string? domain = null)
    {
        if (_byId.TryGetValue(tenantId, out var cached) && DateTimeOffset.UtcNow - cached.At < s_ttl && domain is null)
        {
            return cached.Tenant;
        }
        var info = await grains.GetGrain<ITenantGrain>(tenantId).GetAsync(Caller.System(tenantId));
        var tenant = new TenantContext(tenantId, domain ?? info.SipDomains[0], info.SipDomains[0], info.Policies);
        _byId[tenantId] = (tenant with { Domain = info.SipDomains[0] }, DateTimeOffset.UtcNow);
        return tenant;
    }
}
