using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Sparkle.GraphQL.Identity;

/// <summary>Issues the embedded-defaults tokens (demo users, sync jobs, operator, tests). Production uses
/// Entra ID instead; the claims are the same so one mapping serves both.</summary>
public sealed class LocalTokenIssuer(SigningKeyStore keys, IOptions<SparkleIdentityOptions> options)
{
    /// <summary>Claim naming the console session (refresh-token family) of a signed-in user's token.</summary>
    public const string SessionClaim = "sid";

    private readonly JsonWebTokenHandler _handler = new();

    /// <summary>A user token; <paramref name="sessionId"/> (claim "sid") names the console session it came from,
    /// so changing one's password can keep that session and end the others.</summary>
    public string IssueForUser(Guid tenantId, string userNumber, TimeSpan lifetime, Guid? sessionId = null) =>
        Issue($"{tenantId:N}/{userNumber}", ApiScopes.Api, lifetime, tenantId, userNumber, sessionId);

    public string IssueForDirectorySync(Guid tenantId, TimeSpan lifetime) =>
        Issue($"{tenantId:N}/sync", ApiScopes.DirectorySync, lifetime, tenantId, null);

    public string IssueForOperator(string operatorName, TimeSpan lifetime) =>
        Issue($"operator/{operatorName}", ApiScopes.Operator, lifetime, null, null);

    public TokenValidationParameters ValidationParameters => new()
    {
        ValidIssuer = options.Value.Issuer,
        ValidAudience = options.Value.Audience,
        IssuerSigningKey = keys.Key,
        ValidAlgorithms = [SecurityAlgorithms.EcdsaSha256],
        ClockSkew = TimeSpan.FromMinutes(1),
    };

    /// <summary>True when the token is one this issuer still accepts (signature, issuer, expiry).</summary>
    public async Task<bool> IsValidAsync(string token)
    {
        var result = await _handler.ValidateTokenAsync(token, ValidationParameters);
        return result.IsValid;
    }

    private string Issue(string subject, string scope, TimeSpan lifetime, Guid? tenantId, string? userNumber, Guid? sessionId = null)
    {
        var claims = new Dictionary<string, object>
        {
            ["sub"] = subject,
            ["scp"] = scope,
        };
        if (tenantId is { } tid)
        {
            claims[options.Value.TenantClaim] = tid.ToString("D");
        }
        if (userNumber is not null)
        {
            claims[options.Value.UserClaim] = userNumber;
        }
        if (sessionId is { } sid)
        {
            claims[SessionClaim] = sid.ToString("D");
        }
        var now = DateTime.UtcNow;
        return _handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = options.Value.Issuer,
            Audience = options.Value.Audience,
            Claims = claims,
            IssuedAt = now,
            NotBefore = now,
            Expires = now + lifetime,
            SigningCredentials = keys.Credentials,
        });
    }
}
