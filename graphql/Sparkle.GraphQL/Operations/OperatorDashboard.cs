using System.Net;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Orleans.Dashboard;
using Sparkle.Grains.Identity;
using Sparkle.GraphQL.Identity;

namespace Sparkle.GraphQL.Operations;

/// <summary>Orleans' own dashboard (grain calls, activations, silos) at /dashboard, for the platform operator
/// only. Scripts send the operator token as a bearer header; a browser posts it once to /dashboard-signin,
/// which keeps it in an HTTP-only cookie scoped to /dashboard. Anyone else gets 401 (no token) or 403.</summary>
public static class OperatorDashboard
{
    public const string Path = "/dashboard";
    public const string SignInPath = "/dashboard-signin";
    public const string Policy = "platform-operator";
    public const string Cookie = "sparkle_dashboard";

    /// <summary>The dashboard's client side (it reads the silos' collectors through grains), the operator
    /// policy, and the cookie as a second place the bearer handler finds a token (under /dashboard only).</summary>
    public static WebApplicationBuilder AddOperatorDashboard(this WebApplicationBuilder builder)
    {
        builder.Services.AddAuthorization(o => o.AddPolicy(Policy, p => p.RequireAssertion(ctx =>
            ctx.Resource is HttpContext http && IsOperator(http, ctx.User))));
        builder.Services.PostConfigure<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme, o =>
        {
            o.Events ??= new JwtBearerEvents();
            var inner = o.Events.OnMessageReceived;
            o.Events.OnMessageReceived = async context =>
            {
                await inner(context);
                if (context.Token is null && context.Request.Path.StartsWithSegments(Path)
                    && context.Request.Cookies.TryGetValue(Cookie, out var token) && token.Length > 0)
                {
                    context.Token = token;
                }
            };
        });
        return builder;
    }

    public static void MapOperatorDashboard(this WebApplication app)
    {
        app.MapOrleansDashboard(routePrefix: Path).RequireAuthorization(Policy);
        app.MapGet(SignInPath, () => Results.Content(SignInPage, "text/html; charset=utf-8"));
        app.MapPost(SignInPath, SignInAsync);
    }

    private static bool IsOperator(HttpContext http, System.Security.Claims.ClaimsPrincipal user) =>
        http.RequestServices.GetRequiredService<CallerMapper>().Map(user)?.Kind == CallerKind.PlatformOperator;

    /// <summary>Checks the posted token through the same bearer handler as every request; only an operator's
    /// becomes the cookie.</summary>
    private static async Task<IResult> SignInAsync(HttpContext context, TokenAuthenticator authenticator)
    {
        if (!context.Request.HasFormContentType || context.Request.ContentLength > 16 * 1024)
        {
            return Results.BadRequest("Post the operator token as the form field 'token'.");
        }
        var form = await context.Request.ReadFormAsync(context.RequestAborted);
        var token = form["token"].ToString().Trim();
        var principal = token.Length is > 0 and <= 8192 ? await authenticator.AuthenticateAsync(token) : null;
        if (principal is null || !IsOperator(context, principal))
        {
            return Results.Content("Only the platform operator's token opens the dashboard.", "text/plain; charset=utf-8",
                statusCode: (int)HttpStatusCode.Forbidden);
        }
        context.Response.Cookies.Append(Cookie, token, new CookieOptions
        {
            HttpOnly = true,
            Secure = context.Request.IsHttps,
            SameSite = SameSiteMode.Strict,
            Path = Path,
        });
        return Results.Redirect(Path + "/", permanent: false);
    }

    private const string SignInPage = """
        <!doctype html>
        <html lang="en"><head><meta charset="utf-8"><title>Sparkle: Orleans dashboard</title></head>
        <body>
        <h1>Orleans dashboard</h1>
        <p>Paste the platform operator's access token.</p>
        <form method="post" action="/dashboard-signin">
        <textarea name="token" rows="6" cols="80" required></textarea><br>
        <button type="submit">Open the dashboard</button>
        </form>
        </body></html>
        """;
}
