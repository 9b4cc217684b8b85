using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Sparkle.Client;

namespace Sparkle.GraphQL.Tests;

/// <summary>The web console's sign-in over real HTTP: /auth/login, refresh, logout, branding, and the password
/// and branding mutations. Users made here have numbers of their own (555xxxxx), so the counters and sessions
/// of one test never touch another's.</summary>
[Collection(ApiCollection.Name)]
public sealed class AuthTests(ApiFixture api)
{
    private static int s_nextNumber = 55_500_000;

    private Uri BaseAddress => new(api.Endpoint, "/");

    private SparkleAuthClient Auth(Uri? baseAddress = null) => new(baseAddress ?? BaseAddress, api.Http);

    [Theory]
    [InlineData("demo.sparkle.test")]
    [InlineData("demo")]
    public async Task DemoPasswordSignsInAndTheAccessTokenWorksOnGraphQL(string tenant)
    {
        var chair = api.Demo.Demo.Chair;

        var result = await Auth().LoginAsync(tenant, chair.Number, chair.Password);

        Assert.Equal(api.Demo.Demo.Id, result.TenantId);
        Assert.Equal("1003", result.UserNumber);
        Assert.Equal(Client.Role.Chair, result.Role);
        Assert.Equal(15 * 60, result.ExpiresIn);
        Assert.Equal(43, result.RefreshToken.Length); // 32 bytes, base64url without padding
        var me = (await api.Client(result.AccessToken).ExecuteAsync("{ me { userNumber role } }")).Field("me");
        Assert.Equal("1003", me.GetProperty("userNumber").GetString());
        Assert.Equal("chair", me.GetProperty("role").GetString());
    }

    [Fact]
    public async Task WrongPasswordUnknownUserAndUnknownTenantAnswerTheSame401()
    {
        var (number, password) = await AddUserAsync();

        var wrongPassword = await PostAsync("auth/login", new { tenant = "demo", number, password = password + "x" });
        var unknownUser = await PostAsync("auth/login", new { tenant = "demo", number = "55599999", password });
        var unknownTenant = await PostAsync("auth/login", new { tenant = "nowhere.example", number, password });

        foreach (var response in new[] { wrongPassword, unknownUser, unknownTenant })
        {
            Assert.Equal(HttpStatusCode.Unauthorized, response.Status);
            Assert.Equal(wrongPassword.Body, response.Body);
        }
        Assert.Equal("invalid_credentials", JsonDocument.Parse(wrongPassword.Body).RootElement.GetProperty("error").GetString());
        var sdk = await Assert.ThrowsAsync<SignInFailedException>(() => Auth().LoginAsync("demo", number, "not the password"));
        Assert.Equal("invalid_credentials", sdk.Error);
        // ...and the right password still works: none of this locked the account.
        await Auth().LoginAsync("demo", number, password);
    }

    [Fact]
    public async Task FailuresPerAccountAreRateLimitedUntilTheWindowPasses()
    {
        var (number, password) = await AddUserAsync();
        var clock = new ManualClock(new DateTimeOffset(2031, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var (host, endpoint) = await api.Cluster.StartExtraApiAsync(new Dictionary<string, string?>(), s => s.AddSingleton<TimeProvider>(clock));
        try
        {
            var baseAddress = new Uri(endpoint, "/");
            // A success resets the account's counter: 4 failures, success, 4 failures is never limited.
            for (var i = 0; i < 4; i++)
            {
                Assert.Equal(HttpStatusCode.Unauthorized, (await PostAsync("auth/login", new { tenant = "demo", number, password = "wrong-" + i }, baseAddress)).Status);
            }
            Assert.Equal(HttpStatusCode.OK, (await PostAsync("auth/login", new { tenant = "demo", number, password }, baseAddress)).Status);
            for (var i = 0; i < 5; i++)
            {
                clock.Advance(TimeSpan.FromMinutes(1));
                Assert.Equal(HttpStatusCode.Unauthorized, (await PostAsync("auth/login", new { tenant = "demo", number, password = "wrong-" + i }, baseAddress)).Status);
            }

            // The sixth attempt is refused even with the right password, until the first failure is 15 min old.
            var limited = await PostAsync("auth/login", new { tenant = "demo", number, password }, baseAddress);
            Assert.Equal((HttpStatusCode)429, limited.Status);
            var body = JsonDocument.Parse(limited.Body).RootElement;
            Assert.Equal("rate_limited", body.GetProperty("error").GetString());
            Assert.Equal(11 * 60, body.GetProperty("retryAfter").GetInt32());
            Assert.Equal("660", limited.RetryAfter);
            var sdk = await Assert.ThrowsAsync<SignInFailedException>(() => Auth(baseAddress).LoginAsync("demo", number, password));
            Assert.Equal("rate_limited", sdk.Error);
            Assert.Equal(TimeSpan.FromSeconds(660), sdk.RetryAfter);

            clock.Advance(TimeSpan.FromMinutes(11));
            Assert.Equal(HttpStatusCode.OK, (await PostAsync("auth/login", new { tenant = "demo", number, password }, baseAddress)).Status);
        }
        finally
        {
            await host.StopAsync();
            await host.DisposeAsync();
        }
    }

    [Fact]
    public async Task FailuresPerAddressAreRateLimitedAcrossAccounts()
    {
        var (number, password) = await AddUserAsync();
        var clock = new ManualClock(new DateTimeOffset(2032, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var (host, endpoint) = await api.Cluster.StartExtraApiAsync(new Dictionary<string, string?>(), s => s.AddSingleton<TimeProvider>(clock));
        try
        {
            var baseAddress = new Uri(endpoint, "/");
            // 20 failures spread over 20 accounts (4 per account stays under the account limit).
            for (var i = 0; i < 20; i++)
            {
                var response = await PostAsync("auth/login", new { tenant = "demo", number = (55_580_000 + i % 5).ToString(System.Globalization.CultureInfo.InvariantCulture), password = "wrong" }, baseAddress);
                Assert.Equal(HttpStatusCode.Unauthorized, response.Status);
            }

            var limited = await PostAsync("auth/login", new { tenant = "demo", number, password }, baseAddress);
            Assert.Equal((HttpStatusCode)429, limited.Status);
            Assert.Equal("rate_limited", JsonDocument.Parse(limited.Body).RootElement.GetProperty("error").GetString());

            clock.Advance(TimeSpan.FromMinutes(15));
            Assert.Equal(HttpStatusCode.OK, (await PostAsync("auth/login", new { tenant = "demo", number, password }, baseAddress)).Status);
        }
        finally
        {
            await host.StopAsync();
            await host.DisposeAsync();
        }
    }

    [Fact]
    public async Task RefreshRotatesAndTheOldTokenStopsWorking()
    {
        var (number, password) = await AddUserAsync();
        var first = await Auth().LoginAsync("demo.sparkle.test", number, password);

        var second = await Auth().RefreshAsync(first.RefreshToken);

        Assert.NotEqual(first.RefreshToken, second.RefreshToken);
        Assert.Equal(number, second.UserNumber);
        Assert.Equal(number, (await api.Client(second.AccessToken).ExecuteAsync("{ me { userNumber } }")).Field("me").GetProperty("userNumber").GetString());
        var reused = await PostAsync("auth/refresh", new { refreshToken = first.RefreshToken });
        Assert.Equal(HttpStatusCode.Unauthorized, reused.Status);
        Assert.Equal("invalid_refresh_token", JsonDocument.Parse(reused.Body).RootElement.GetProperty("error").GetString());
    }

    [Fact]
    public async Task ReusingARotatedTokenRevokesTheWholeFamily()
    {
        var (number, password) = await AddUserAsync();
        var first = await Auth().LoginAsync("demo", number, password);
        var second = await Auth().RefreshAsync(first.RefreshToken);
        var other = await Auth().LoginAsync("demo", number, password);

        var thief = await Assert.ThrowsAsync<SignInFailedException>(() => Auth().RefreshAsync(first.RefreshToken));
        Assert.Equal("invalid_refresh_token", thief.Error);

        // The family's current token is dead too; another session of the same user lives on.
        Assert.Equal(HttpStatusCode.Unauthorized, (await PostAsync("auth/refresh", new { refreshToken = second.RefreshToken })).Status);
        Assert.Equal(HttpStatusCode.OK, (await PostAsync("auth/refresh", new { refreshToken = other.RefreshToken })).Status);
    }

    [Fact]
    public async Task LogoutRevokesTheRefreshToken()
    {
        var (number, password) = await AddUserAsync();
        var session = await Auth().LoginAsync("demo", number, password);

        var logout = await PostAsync("auth/logout", new { refreshToken = session.RefreshToken });

        Assert.Equal(HttpStatusCode.NoContent, logout.Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await PostAsync("auth/refresh", new { refreshToken = session.RefreshToken })).Status);
    }

    [Fact]
    public async Task ARemovedUserCannotRefresh()
    {
        var (number, password) = await AddUserAsync();
        var session = await Auth().LoginAsync("demo", number, password);

        (await api.Client(api.Demo.Demo.Owner).ExecuteAsync($"mutation {{ removeUser(number: \"{number}\") }}")).EnsureSuccess();

        Assert.Equal(HttpStatusCode.Unauthorized, (await PostAsync("auth/refresh", new { refreshToken = session.RefreshToken })).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await PostAsync("auth/login", new { tenant = "demo", number, password })).Status);
    }

    [Fact]
    public async Task ChangePasswordChecksTheCurrentOneAndEndsTheOtherSessions()
    {
        var (number, password) = await AddUserAsync();
        var here = await Auth().LoginAsync("demo", number, password);
        var elsewhere = await Auth().LoginAsync("demo", number, password);
        var client = api.Client(here.AccessToken);

        var wrong = await Assert.ThrowsAsync<SparkleApiException>(() => client.ChangePasswordAsync("not it at all", "brand new password"));
        Assert.Equal("INVALID_PASSWORD", wrong.Code);
        var weak = await Assert.ThrowsAsync<SparkleApiException>(() => client.ChangePasswordAsync(password, "short"));
        Assert.Equal("PASSWORD_TOO_WEAK", weak.Code);

        await client.ChangePasswordAsync(password, "brand new password");

        Assert.Equal(HttpStatusCode.Unauthorized, (await PostAsync("auth/login", new { tenant = "demo", number, password })).Status);
        await Auth().LoginAsync("demo", number, "brand new password");
        Assert.Equal(HttpStatusCode.OK, (await PostAsync("auth/refresh", new { refreshToken = here.RefreshToken })).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await PostAsync("auth/refresh", new { refreshToken = elsewhere.RefreshToken })).Status);
    }

    [Fact]
    public async Task SetUserPasswordIsForManagersAndOwnersOfTheSameTenant()
    {
        var (number, _) = await AddUserAsync();
        string Mutation(string target, string password) => $"mutation {{ setUserPassword(number: \"{target}\", password: \"{password}\") }}";

        var member = await api.Client(api.Demo.Demo.Member).ExecuteAsync(Mutation(number, "set by a member"));
        var managerOnOwner = await api.Client(api.Demo.Demo.Manager).ExecuteAsync(Mutation("1001", "set by a manager"));
        var otherTenant = await api.Client(api.Demo.Demo2.Owner).ExecuteAsync(Mutation(number, "set from demo2"));
        var tooWeak = await api.Client(api.Demo.Demo.Manager).ExecuteAsync(Mutation(number, "short"));
        var manager = await api.Client(api.Demo.Demo.Manager).ExecuteAsync(Mutation(number, "set by the manager"));

        Assert.Equal("FORBIDDEN", member.ErrorCode);
        Assert.Equal("FORBIDDEN", managerOnOwner.ErrorCode);
        Assert.Equal("NOT_FOUND", otherTenant.ErrorCode);
        Assert.Equal("PASSWORD_TOO_WEAK", tooWeak.ErrorCode);
        Assert.True(manager.Field("setUserPassword").GetBoolean());
        await Auth().LoginAsync("demo", number, "set by the manager");
        Assert.Equal(HttpStatusCode.Unauthorized, (await PostAsync("auth/login", new { tenant = "demo", number, password = "set from demo2" })).Status);
    }

    [Fact]
    public async Task AddUserRefusesAShortPassword()
    {
        var number = NextNumber();

        var response = await api.Client(api.Demo.Demo.Owner).ExecuteAsync(
            $"mutation {{ addUser(input: {{ number: \"{number}\", displayName: \"Short\", password: \"1234567\" }}) {{ number }} }}");

        Assert.Equal("PASSWORD_TOO_WEAK", response.ErrorCode);
    }

    [Fact]
    public async Task ThePasswordIsStoredOnlyAsAHash()
    {
        var (number, password) = await AddUserAsync();
        await Auth().LoginAsync("demo", number, password);

        await using var connection = new NpgsqlConnection(api.Cluster.PostgresConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT grainidextensionstring, payloadbinary FROM orleansstorage WHERE serviceid = @s", connection);
        command.Parameters.AddWithValue("s", api.Cluster.ServiceId);
        var rows = new List<(string? Key, byte[] Payload)>();
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                rows.Add((reader.IsDBNull(0) ? null : reader.GetString(0), reader.IsDBNull(1) ? [] : (byte[])reader[1]));
            }
        }

        var plain = Encoding.UTF8.GetBytes(password);
        Assert.Contains(rows, r => r.Key is not null && r.Key.Contains($"{api.Demo.Demo.Id:N}/{number}", StringComparison.Ordinal));
        Assert.DoesNotContain(rows, r => r.Payload.AsSpan().IndexOf(plain) >= 0);
        Assert.DoesNotContain(rows, r => r.Payload.AsSpan().IndexOf(Encoding.Unicode.GetBytes(password)) >= 0);
    }

    [Fact]
    public async Task BrandingDefaultsSetByOwnersValidatedAndPrivateToTheTenant()
    {
        const string Fields = "productName logoDataUrl primaryColor accentColor signInMessage";
        var demo2Member = await api.Client(api.Demo.Demo2.Member).ExecuteAsync($"{{ tenant {{ branding {{ {Fields} }} }} }}");
        var defaults = demo2Member.Field("tenant").GetProperty("branding");
        Assert.Equal("Sparkle.Cloud", defaults.GetProperty("productName").GetString());
        Assert.Equal("#3b5bdb", defaults.GetProperty("primaryColor").GetString());
        Assert.Equal("#f59f00", defaults.GetProperty("accentColor").GetString());
        Assert.Equal(JsonValueKind.Null, defaults.GetProperty("logoDataUrl").ValueKind);

        var png = "data:image/png;base64," + Convert.ToBase64String([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13]);
        var branding = new TenantBranding("Acme Meet", png, "#112233", "#AABBCC", "Welcome to Acme");
        var owner = api.Client(api.Demo.Demo.Owner);
        var chairRefused = await Assert.ThrowsAsync<SparkleApiException>(() => api.Client(api.Demo.Demo.Chair).SetTenantBrandingAsync(branding));
        var badColor = await Assert.ThrowsAsync<SparkleApiException>(() => owner.SetTenantBrandingAsync(branding with { PrimaryColor = "blue" }));
        var notPng = await Assert.ThrowsAsync<SparkleApiException>(() => owner.SetTenantBrandingAsync(
            branding with { LogoDataUrl = "data:image/png;base64," + Convert.ToBase64String(Encoding.UTF8.GetBytes("<svg/>")) }));
        var tooBig = await Assert.ThrowsAsync<SparkleApiException>(() => owner.SetTenantBrandingAsync(
            branding with { LogoDataUrl = "data:image/png;base64," + Convert.ToBase64String(new byte[129 * 1024]) }));
        var gif = await Assert.ThrowsAsync<SparkleApiException>(() => owner.SetTenantBrandingAsync(branding with { LogoDataUrl = "data:image/gif;base64,R0lGOD==" }));
        Assert.Equal("FORBIDDEN", chairRefused.Code);
        Assert.Equal("INVALID_COLOR", badColor.Code);
        Assert.All(new[] { notPng, tooBig, gif }, e => Assert.Equal("INVALID_LOGO", e.Code));

        var set = await owner.SetTenantBrandingAsync(branding);
        Assert.Equal(branding with { AccentColor = "#aabbcc" }, set);
        Assert.Equal(set, await api.Client(api.Demo.Demo.Member).GetTenantBrandingAsync());

        // Another tenant can neither read nor set it.
        var demo2Owner = api.Client(api.Demo.Demo2.Owner);
        Assert.Equal("NOT_FOUND", (await demo2Owner.ExecuteAsync($"{{ tenant(id: \"{api.Demo.Demo.Id}\") {{ branding {{ productName }} }} }}")).ErrorCode);
        var setAcross = await demo2Owner.ExecuteAsync(
            $"mutation {{ setTenantBranding(tenantId: \"{api.Demo.Demo.Id}\", input: {{ productName: \"Hijack\", primaryColor: \"#000000\", accentColor: \"#000000\" }}) {{ productName }} }}");
        Assert.Equal("NOT_FOUND", setAcross.ErrorCode);

        // Anonymous: the sign-in page's branding by domain or name; unknown tenants get the defaults.
        Assert.Equal(set, await Auth().GetBrandingAsync("demo.sparkle.test"));
        Assert.Equal(set, await Auth().GetBrandingAsync("DEMO"));
        var platform = new TenantBranding("Sparkle.Cloud", null, "#3b5bdb", "#f59f00", null);
        Assert.Equal(platform, await Auth().GetBrandingAsync("no-such-tenant.example"));
        Assert.Equal(platform, await Auth().GetBrandingAsync("demo2"));
    }

    private static string NextNumber() => Interlocked.Increment(ref s_nextNumber).ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>A member of tenant demo with a console password of its own.</summary>
    private async Task<(string Number, string Password)> AddUserAsync()
    {
        var number = NextNumber();
        var password = "pw-" + Guid.NewGuid().ToString("N");
        (await api.Client(api.Demo.Demo.Owner).ExecuteAsync(
            "mutation($input: AddUserInput!) { addUser(input: $input) { number } }",
            new { input = new { number, displayName = "Console " + number, role = "member", password } })).EnsureSuccess();
        return (number, password);
    }

    private async Task<(HttpStatusCode Status, string Body, string? RetryAfter)> PostAsync(string path, object body, Uri? baseAddress = null)
    {
        using var response = await api.Http.PostAsJsonAsync(new Uri(baseAddress ?? BaseAddress, path), body);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text, response.Headers.TryGetValues("Retry-After", out var values) ? values.Single() : null);
    }
}
