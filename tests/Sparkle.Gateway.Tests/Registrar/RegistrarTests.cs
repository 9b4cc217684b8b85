using Sparkle.Gateway.Tests.Infrastructure;
using Sparkle.Grains.Gateway;
using Sparkle.Grains.Identity;
using Sparkle.Grains.Tenants;
using Sparkle.Sip.Messages;

namespace Sparkle.Gateway.Tests.Registrar;

[Collection(GatewayCollection.Name)]
public sealed class RegistrarTests(GatewayFixture fixture)
{
    [Fact]
    public async Task RegisterIsChallengedThenBindsTheContact()
    {
        var (tenantId, domain) = await fixture.CreateTenantAsync();
        await using var phone = new SipTestClient("1004", domain, fixture.Gateway.Transport.UdpEndPoint!.Value);

        var register = phone.NewRequest(SipMethods.Register, "1004");
        var challenge = await phone.SendAuthenticatedAsync(register, answerChallenge: false);
        Assert.Equal(401, challenge.StatusCode);
        var offers = challenge.Headers.GetLines(HeaderNames.WwwAuthenticate).ToList();
        Assert.Contains("algorithm=SHA-256", offers[0]);
        Assert.Contains("algorithm=MD5", offers[1]);
        Assert.Contains($"realm=\"{domain}\"", offers[0]);

        var ok = await phone.RegisterAsync(expires: 600);
        Assert.Equal(200, ok.StatusCode);
        var contact = Assert.Single(ok.Headers.GetValues(HeaderNames.Contact));
        Assert.Contains($"sip:1004@127.0.0.1:{phone.Port}", contact);

        var bindings = await fixture.Grains.GetGrain<IRegistrationGrain>(UserKey.For(tenantId, "1004")).GetBindingsAsync(Caller.System(tenantId));
        var binding = Assert.Single(bindings);
        Assert.Equal("gateway-test", binding.GatewayId);
        Assert.Equal($"udp:127.0.0.1:{phone.Port}", binding.Source);
        Assert.InRange(binding.Expires, DateTimeOffset.UtcNow.AddSeconds(500), DateTimeOffset.UtcNow.AddSeconds(700));

        var removed = await phone.RegisterAsync(expires: 0);
        Assert.Equal(200, removed.StatusCode);
        Assert.Empty(await fixture.Grains.GetGrain<IRegistrationGrain>(UserKey.For(tenantId, "1004")).GetBindingsAsync(Caller.System(tenantId)));
    }

    [Fact]
    public async Task ACapturedAuthorizationReplayedFromAnotherSocketIsChallengedAsStale()
    {
        var (tenantId, domain) = await fixture.CreateTenantAsync();
        await using var phone = new SipTestClient("1004", domain, fixture.Gateway.Transport.UdpEndPoint!.Value);
        await using var attacker = new SipTestClient("1004", domain, fixture.Gateway.Transport.UdpEndPoint!.Value, password: "unknown");

        var challenge = await phone.SendAuthenticatedAsync(phone.NewRequest(SipMethods.Register, "1004"), answerChallenge: false);
        var offered = Sparkle.Sip.Auth.DigestClient.PickChallenge(challenge)!;
        var authorization = Sparkle.Sip.Auth.DigestClient.Authorize(offered, SipMethods.Register, $"sip:{domain}", "1004", GatewayFixture.Password);
        var register = RegisterWith(phone, authorization);
        Assert.Equal(200, (await phone.Agent.SendAsync(register, phone.Gateway)).StatusCode);

        // The same Authorization, from another socket, with a new Call-ID and the attacker's Contact.
        var replay = RegisterWith(attacker, authorization);
        var refused = await attacker.Agent.SendAsync(replay, attacker.Gateway);
        Assert.Equal(401, refused.StatusCode);
        var fresh = refused.Headers.GetLines(HeaderNames.WwwAuthenticate).First();
        Assert.Contains("stale=true", fresh);
        Assert.DoesNotContain(offered.Nonce!, fresh);
        var binding = Assert.Single(await fixture.Grains.GetGrain<IRegistrationGrain>(UserKey.For(tenantId, "1004")).GetBindingsAsync(Caller.System(tenantId)));
        Assert.Equal($"udp:127.0.0.1:{phone.Port}", binding.Source);

        // The phone's own refresh with the same nonce and the next nonce count is a legitimate use.
        var refresh = RegisterWith(phone, Sparkle.Sip.Auth.DigestClient.Authorize(offered, SipMethods.Register, $"sip:{domain}", "1004",
            GatewayFixture.Password, nonceCount: 2));
        Assert.Equal(200, (await phone.Agent.SendAsync(refresh, phone.Gateway)).StatusCode);
    }

    private static SipRequest RegisterWith(SipTestClient client, string authorization)
    {
        var register = Sparkle.Sip.Dialogs.SipUserAgent.CreateRequest(SipMethods.Register, new Sparkle.Sip.Messages.SipUri("sip", null, client.Domain),
            client.Aor, client.Aor, client.ContactAddress);
        register.Headers.Add(HeaderNames.Expires, "600");
        register.Headers.Add(HeaderNames.Authorization, authorization);
        return register;
    }

    [Fact]
    public async Task ClientsThatFailOnSha256AreOfferedMd5Only()
    {
        var (_, domain) = await fixture.CreateTenantAsync();
        await using var phone = new SipTestClient("1004", domain, fixture.Gateway.Transport.UdpEndPoint!.Value);
        var register = phone.NewRequest(SipMethods.Register, "1004");
        register.Headers.Add(HeaderNames.UserAgent, "baresip v1.0.0 (x86_64/linux)");

        var challenge = await phone.SendAuthenticatedAsync(register, answerChallenge: false);

        Assert.Equal(401, challenge.StatusCode);
        Assert.Contains("algorithm=MD5", Assert.Single(challenge.Headers.GetLines(HeaderNames.WwwAuthenticate)));
    }

    [Fact]
    public async Task WrongPasswordIsForbidden()
    {
        var (_, domain) = await fixture.CreateTenantAsync();
        await using var phone = new SipTestClient("1004", domain, fixture.Gateway.Transport.UdpEndPoint!.Value, password: "wrong password");
        Assert.Equal(403, (await phone.RegisterAsync()).StatusCode);
    }

    [Fact]
    public async Task UsersOfOneTenantCannotRegisterInAnother()
    {
        var (tenantA, _) = await fixture.CreateTenantAsync();
        var (_, domainB) = await fixture.CreateTenantAsync();
        await fixture.Grains.GetGrain<ITenantGrain>(tenantA).AddUserAsync(Caller.System(tenantA),
            new UserSpec("2001", "Only in A", Role.Member, SipPassword: GatewayFixture.Password));
        // 2001 is a user of A with valid credentials there; B's domain knows no 2001.
        await using var phone = new SipTestClient("2001", domainB, fixture.Gateway.Transport.UdpEndPoint!.Value);
        Assert.Equal(403, (await phone.RegisterAsync()).StatusCode);
    }

    [Fact]
    public async Task TooShortExpiryGets423()
    {
        var (_, domain) = await fixture.CreateTenantAsync();
        await using var phone = new SipTestClient("1004", domain, fixture.Gateway.Transport.UdpEndPoint!.Value);
        var response = await phone.RegisterAsync(expires: 10);
        Assert.Equal(423, response.StatusCode);
        Assert.Equal("60", response.Headers.Get(HeaderNames.MinExpires));
    }

    [Fact]
    public async Task UnknownDomainGets404()
    {
        await using var phone = new SipTestClient("1004", "nowhere.sparkle.test", fixture.Gateway.Transport.UdpEndPoint!.Value);
        Assert.Equal(404, (await phone.RegisterAsync()).StatusCode);
    }
}
