using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;
using Orleans.TestingHost;
using Sparkle.Grains.Identity;
using Sparkle.Grains.Tenants;
using Sparkle.Grains.Tests.Infrastructure;

namespace Sparkle.Grains.Tests.Tenants;

/// <summary>Console passwords, sessions, login guards and branding in the grains themselves.</summary>
[Collection(ClusterCollection.Name)]
public sealed class ConsoleSignInTests(ClusterFixture fixture)
{
    private const string ConsolePassword = "a console password";
    private static readonly DateTimeOffset s_t0 = new(2030, 6, 1, 8, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task TheUserStateHoldsAPbkdf2HashNeverThePassword()
    {
        var t = await TestTenant.CreateAsync(fixture.Grains);
        await t.Tenant.SetUserPasswordAsync(t.Manager, "1004", ConsolePassword);

        var state = await ReadUserStateAsync(t, "1004");

        var hash = Assert.IsType<ConsolePasswordHash>(state.ConsolePassword);
        Assert.Equal(ConsolePasswords.Pbkdf2Sha256, hash.Algorithm);
        Assert.True(hash.Iterations >= 210_000);
        Assert.Equal(16, hash.Salt.Length);
        Assert.Equal(32, hash.Hash.Length);
        Assert.True(ConsolePasswords.Verify(ConsolePassword, hash));
        Assert.False(ConsolePasswords.Verify(ConsolePassword + "!", hash));
        var plain = Encoding.UTF8.GetBytes(ConsolePassword);
        Assert.Equal(-1, hash.Hash.AsSpan().IndexOf(plain));
        Assert.Equal(-1, hash.Salt.AsSpan().IndexOf(plain));
        // The SIP digest hashes set before are kept beside it.
        Assert.True(state.HasCredentials);
    }

    [Fact]
    public async Task VerifyGivesTheRoleForTheRightPasswordOnlyAndOnlyToThePlatform()
    {
        var t = await TestTenant.CreateAsync(fixture.Grains);
        await t.Tenant.SetUserPasswordAsync(t.Owner, "1003", ConsolePassword);
        var chair = fixture.Grains.GetGrain<IUserGrain>(UserKey.For(t.Id, "1003"));

        Assert.Equal(Role.Chair, await chair.VerifyConsolePasswordAsync(t.System, ConsolePassword));
        Assert.Null(await chair.VerifyConsolePasswordAsync(t.System, "not the password"));
        Assert.Null(await fixture.Grains.GetGrain<IUserGrain>(UserKey.For(t.Id, "1004")).VerifyConsolePasswordAsync(t.System, ConsolePassword));
        Assert.Null(await fixture.Grains.GetGrain<IUserGrain>(UserKey.For(t.Id, "4242")).VerifyConsolePasswordAsync(t.System, ConsolePassword));
        await Assert.ThrowsAsync<AccessDeniedException>(() => chair.VerifyConsolePasswordAsync(t.Owner, ConsolePassword));
        await Assert.ThrowsAsync<NotFoundException>(() => chair.VerifyConsolePasswordAsync(Caller.System(Guid.NewGuid()), ConsolePassword));
    }

    [Fact]
    public async Task SetUserPasswordFollowsTheMatrixAndRank()
    {
        var t = await TestTenant.CreateAsync(fixture.Grains);
        var other = await TestTenant.CreateAsync(fixture.Grains);

        await Assert.ThrowsAsync<AccessDeniedException>(() => t.Tenant.SetUserPasswordAsync(t.Chair, "1004", ConsolePassword));
        await Assert.ThrowsAsync<AccessDeniedException>(() => t.Tenant.SetUserPasswordAsync(t.Manager, "1001", ConsolePassword));
        await Assert.ThrowsAsync<NotFoundException>(() => t.Tenant.SetUserPasswordAsync(other.Owner, "1004", ConsolePassword));
        var weak = await Assert.ThrowsAsync<ValidationException>(() => t.Tenant.SetUserPasswordAsync(t.Owner, "1004", "1234567"));
        Assert.Equal(ValidationCodes.PasswordTooWeak, weak.Code);
        await t.Tenant.SetUserPasswordAsync(t.Manager, "1004", ConsolePassword);
    }

    [Fact]
    public async Task ChangePasswordNeedsTheCurrentOneAndKeepsOnlyTheNamedSession()
    {
        var t = await TestTenant.CreateAsync(fixture.Grains);
        await t.Tenant.SetUserPasswordAsync(t.Owner, "1004", ConsolePassword);
        var key = UserKey.For(t.Id, "1004");
        var sessions = fixture.Grains.GetGrain<IConsoleSessionGrain>(key);
        var kept = await sessions.StartAsync(s_t0);
        var ended = await sessions.StartAsync(s_t0);
        var user = fixture.Grains.GetGrain<IUserGrain>(key);

        var wrong = await Assert.ThrowsAsync<ValidationException>(() => user.ChangeConsolePasswordAsync(t.Member, "wrong one!", "the next password", kept!.SessionId));
        Assert.Equal(ValidationCodes.InvalidPassword, wrong.Code);
        await Assert.ThrowsAsync<AccessDeniedException>(() => user.ChangeConsolePasswordAsync(t.OtherMember, ConsolePassword, "the next password", null));
        await user.ChangeConsolePasswordAsync(t.Member, ConsolePassword, "the next password", kept!.SessionId);

        Assert.Null(await user.VerifyConsolePasswordAsync(t.System, ConsolePassword));
        Assert.Equal(Role.Member, await user.VerifyConsolePasswordAsync(t.System, "the next password"));
        Assert.NotNull(await Redeem(kept.RefreshToken, s_t0.AddMinutes(1)));
        Assert.Null(await Redeem(ended!.RefreshToken, s_t0.AddMinutes(1)));
    }

    [Fact]
    public async Task RefreshTokensRotateExpireAndAReusedOneEndsItsFamily()
    {
        var t = await TestTenant.CreateAsync(fixture.Grains);
        var sessions = fixture.Grains.GetGrain<IConsoleSessionGrain>(UserKey.For(t.Id, "1003"));
        var first = (await sessions.StartAsync(s_t0))!;

        var second = await Redeem(first.RefreshToken, s_t0.AddMinutes(10));
        Assert.NotNull(second);
        Assert.Equal(Role.Chair, second.Role);
        Assert.Equal(first.SessionId, second.SessionId);
        Assert.Null(await Redeem(first.RefreshToken, s_t0.AddMinutes(11)));
        Assert.Null(await Redeem(second.RefreshToken, s_t0.AddMinutes(12)));

        // Sliding expiry: 12 h without a refresh ends the session.
        var idle = (await sessions.StartAsync(s_t0))!;
        Assert.Null(await Redeem(idle.RefreshToken, s_t0 + ConsoleSessionGrain.SlidingLifetime));

        // Absolute expiry: refreshed every 11 h, it still ends after 7 days.
        var busy = (await sessions.StartAsync(s_t0))!;
        var token = busy.RefreshToken;
        var now = s_t0;
        while ((now += TimeSpan.FromHours(11)) < s_t0 + ConsoleSessionGrain.AbsoluteLifetime)
        {
            token = (await Redeem(token, now))!.RefreshToken;
        }
        Assert.Null(await Redeem(token, now));
    }

    [Fact]
    public async Task ARemovedUserGetsNoSession()
    {
        var t = await TestTenant.CreateAsync(fixture.Grains);
        var sessions = fixture.Grains.GetGrain<IConsoleSessionGrain>(UserKey.For(t.Id, "1005"));
        var session = (await sessions.StartAsync(s_t0))!;

        await t.Tenant.RemoveUserAsync(t.Owner, "1005");

        Assert.Null(await Redeem(session.RefreshToken, s_t0.AddMinutes(1)));
        Assert.Null(await sessions.StartAsync(s_t0));
    }

    [Fact]
    public async Task LoginGuardCountsFailuresInASlidingWindow()
    {
        var guard = fixture.Grains.GetGrain<ILoginGuardGrain>($"account:test/{Guid.NewGuid():N}");
        var window = TimeSpan.FromMinutes(15);
        for (var i = 0; i < 3; i++)
        {
            Assert.Null(await guard.CheckAsync(s_t0.AddMinutes(i), 3, window));
            await guard.RecordFailureAsync(s_t0.AddMinutes(i), window);
        }

        Assert.Equal(TimeSpan.FromMinutes(13), await guard.CheckAsync(s_t0.AddMinutes(2), 3, window));
        Assert.Null(await guard.CheckAsync(s_t0.AddMinutes(15), 3, window));
        await guard.ResetAsync();
        Assert.Null(await guard.CheckAsync(s_t0.AddMinutes(2), 3, window));
    }

    [Fact]
    public async Task BrandingIsValidatedOwnersOnlyAndPublicWithDefaults()
    {
        var t = await TestTenant.CreateAsync(fixture.Grains);
        var other = await TestTenant.CreateAsync(fixture.Grains);
        var svg = "data:image/svg+xml;base64," + Convert.ToBase64String(Encoding.UTF8.GetBytes("<svg xmlns=\"http://www.w3.org/2000/svg\"/>"));
        var branding = new TenantBranding("Acme", svg, "#000000", "#FFFFFF", null);

        Assert.Equal(TenantBranding.Default, await t.Tenant.GetBrandingAsync(t.Member));
        await Assert.ThrowsAsync<AccessDeniedException>(() => t.Tenant.SetBrandingAsync(t.Manager, branding));
        await Assert.ThrowsAsync<NotFoundException>(() => t.Tenant.SetBrandingAsync(other.Owner, branding));
        await Assert.ThrowsAsync<NotFoundException>(() => t.Tenant.GetBrandingAsync(other.Owner));
        Assert.Equal(ValidationCodes.InvalidColor,
            (await Assert.ThrowsAsync<ValidationException>(() => t.Tenant.SetBrandingAsync(t.Owner, branding with { AccentColor = "#fff" }))).Code);
        Assert.Equal(ValidationCodes.InvalidLogo,
            (await Assert.ThrowsAsync<ValidationException>(() => t.Tenant.SetBrandingAsync(t.Owner, branding with { LogoDataUrl = "https://example.com/logo.png" }))).Code);

        var set = await t.Tenant.SetBrandingAsync(t.Owner, branding);

        Assert.Equal(branding with { AccentColor = "#ffffff" }, set);
        Assert.Equal(set, await t.Tenant.GetPublicBrandingAsync());
        Assert.Equal(TenantBranding.Default, await other.Tenant.GetPublicBrandingAsync());
        Assert.Equal(TenantBranding.Default, await fixture.Grains.GetGrain<ITenantGrain>(Guid.NewGuid()).GetPublicBrandingAsync());
    }

    private Task<ConsoleSessionGrant?> Redeem(string token, DateTimeOffset now) =>
        fixture.Grains.GetGrain<IRefreshTokenGrain>(RefreshTokens.HashOf(token)).RedeemAsync(now);

    private async Task<UserState> ReadUserStateAsync(TestTenant t, string number)
    {
        var silo = (InProcessSiloHandle)fixture.Cluster.Primary!;
        var storage = silo.SiloHost.Services.GetRequiredKeyedService<IGrainStorage>(SparkleStorage.Name);
        var grainId = fixture.Grains.GetGrain<IUserGrain>(UserKey.For(t.Id, number)).GetGrainId();
        var state = new GrainState<UserState>();
        await storage.ReadStateAsync("user", grainId, state);
        return state.State ?? throw new InvalidOperationException("No user state stored.");
    }
}
