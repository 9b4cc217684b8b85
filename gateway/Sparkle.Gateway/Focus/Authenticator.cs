using Sparkle.Grains.Identity;
using Sparkle.Grains.Tenants;
using Sparkle.Sip.Auth;
using Sparkle.Sip.Messages;
using Sparkle.Sip.Transport;

namespace Sparkle.Gateway.Focus;

/// <summary>The outcome of digest authentication: the authenticated user number, or the status to answer
/// with (401 plus challenges, or 403).</summary>
public sealed record AuthResult(string? Number, int Status, Action<SipResponse>? Challenge = null)
{
    public bool Ok => Number is not null;
}

/// <summary>Digest authentication against the tenant's users: realm = the tenant's first SIP domain, the
/// stored HA1 fetched from the user grain (the password never reaches the gateway).</summary>
public sealed class Authenticator(IGrainFactory grains, DigestServer digest, IReadOnlyList<string>? md5OnlyUserAgents = null,
    SipAbuseGuard? guard = null)
{
    private static readonly IReadOnlyList<string> s_md5Only = [DigestAlgorithm.Md5];

    public async Task<AuthResult> AuthenticateAsync(SipRequest request, TenantContext tenant)
    {
        var credentials = DigestServer.FindCredentials(request, tenant.Realm);
        if (credentials?.Username is not { Length: > 0 } username)
        {
            return Challenge(request, tenant, stale: false);
        }
        var stored = await grains.GetGrain<IUserGrain>(UserKey.For(tenant.Id, username))
            .GetDigestCredentialsAsync(Caller.System(tenant.Id));
        if (stored is null || !string.Equals(stored.Realm, tenant.Realm, StringComparison.Ordinal))
        {
            // Guessing user names counts as much as guessing passwords.
            return Failed(request);
        }
        var verdict = digest.Verify(request, credentials, tenant.Realm, algorithm =>
            algorithm.Equals(DigestAlgorithm.Sha256, StringComparison.OrdinalIgnoreCase) ? stored.Ha1Sha256 : stored.Ha1Md5);
        return verdict switch
        {
            DigestVerdict.Valid => new AuthResult(username, 200),
            DigestVerdict.Stale => Challenge(request, tenant, stale: true),
            DigestVerdict.Missing => Challenge(request, tenant, stale: false),
            _ => Failed(request),
        };
    }

    /// <summary>A 403 for credentials that did not check out, counted against the source address (bans after
    /// repeated failures). A stale nonce or missing credentials are no failure.</summary>
    private AuthResult Failed(SipRequest request)
    {
        if (request.Source is { } source)
        {
            guard?.RecordAuthFailure(source.Address);
        }
        return new AuthResult(null, 403);
    }

    /// <summary>Whether a number belongs to a user of the tenant with SIP credentials.</summary>
    public async Task<bool> IsUserAsync(TenantContext tenant, string? number) =>
        number is { Length: > 0 }
        && await grains.GetGrain<IUserGrain>(UserKey.For(tenant.Id, number)).GetDigestCredentialsAsync(Caller.System(tenant.Id)) is not null;

    /// <summary>Clients known to fail on any SHA-256 challenge (old libre/baresip gives up with ENOSYS; sipp 3.6
    /// answers only the first challenge and knows only MD5) are offered MD5 alone; everyone else gets
    /// SHA-256 then MD5.</summary>
    private AuthResult Challenge(SipRequest request, TenantContext tenant, bool stale)
    {
        var userAgent = request.Headers.Get(HeaderNames.UserAgent);
        var md5Only = userAgent is not null && md5OnlyUserAgents is not null
            && md5OnlyUserAgents.Any(prefix => userAgent.StartsWith(prefix, StringComparison.OrdinalIgnoreCase));
        return new(null, 401, response => digest.Challenge(response, tenant.Realm, stale, algorithms: md5Only ? s_md5Only : null));
    }
}
