using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Options;
using Microsoft.Identity.Web;

namespace Sparkle.GraphQL.Identity;

public static class IdentityServiceExtensions
{
    /// <summary>One JWT bearer scheme: configured by Microsoft.Identity.Web in Entra mode, or against the
    /// local issuer's key on embedded defaults. Claims keep their JWT names in both.</summary>
    public static WebApplicationBuilder AddSparkleIdentity(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        var section = builder.Configuration.GetSection(SparkleIdentityOptions.Section);
        services.Configure<SparkleIdentityOptions>(section);
        services.AddSingleton<CallerMapper>();
        services.AddSingleton<TokenAuthenticator>();

        var mode = section["Mode"] ?? SparkleIdentityOptions.LocalMode;
        if (string.Equals(mode, SparkleIdentityOptions.EntraMode, StringComparison.OrdinalIgnoreCase))
        {
            services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme)
                .AddMicrosoftIdentityWebApi(builder.Configuration.GetSection("AzureAd"));
        }
        else
        {
            services.AddSingleton<SigningKeyStore>();
            services.AddSingleton<LocalTokenIssuer>();
            services.AddHostedService<DemoTokenWriter>();
            services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer();
            services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme)
                .Configure<LocalTokenIssuer>((o, issuer) => o.TokenValidationParameters = issuer.ValidationParameters);
        }
        services.PostConfigure<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme, o => o.MapInboundClaims = false);
        return builder;
    }
}
