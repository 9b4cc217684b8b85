using Microsoft.Extensions.Logging.Abstractions;
using Sparkle.Gateway.Hosting;
using Sparkle.Gateway.Tests.Infrastructure;

namespace Sparkle.Gateway.Tests.Focus;

/// <summary>Issue 14: a digest brute force gets its source banned. A gateway of its own, with loopback not
/// exempt, so the shared fixture's tests (all from 127.0.0.1) are never banned.</summary>
[Collection(GatewayCollection.Name)]
public sealed class AbuseTests(GatewayFixture fixture)
{
    [Fact]
    public async Task TenWrongPasswordsBanTheSourceAndEvenTheRightPasswordIsThenIgnored()
    {
        var (_, domain) = await fixture.CreateTenantAsync();
        await using var gateway = new SipGateway(new SipGatewayOptions
        {
            Address = "127.0.0.1",
            UdpPort = 0,
            TcpPort = 0,
            TlsPort = 0,
            GatewayId = "gateway-abuse-test",
            AbuseExemptNetworks = "",
        }, fixture.Grains, NullLoggerFactory.Instance);
        await gateway.StartAsync();
        var target = gateway.Transport.UdpEndPoint!.Value;
        await using var attacker = new SipTestClient("1004", domain, target, password: "guess");

        for (var i = 0; i < 10; i++)
        {
            Assert.Equal(403, (await attacker.RegisterAsync().WaitAsync(TimeSpan.FromSeconds(30))).StatusCode);
        }
        Assert.Equal(1, gateway.Transport.Guard.Bans);

        await using var sameAddress = new SipTestClient("1004", domain, target);
        _ = sameAddress.RegisterAsync();
        await Eventually.TrueAsync(() => gateway.Transport.Guard.BannedDrops >= 1, "the banned address's REGISTER is dropped");
        Assert.True(gateway.Transport.Guard.IsBanned(System.Net.IPAddress.Loopback));
    }
}
