using Sparkle.Gateway.Tests.Infrastructure;
using Sparkle.Grains.Gateway;

namespace Sparkle.Gateway.Tests.DialOut;

[Collection(GatewayCollection.Name)]
public sealed class GatewayRegistrationTests(GatewayFixture fixture)
{
    [Fact]
    public async Task GatewayRegistersAgainWhenTheRegistryForgetsIt()
    {
        var registry = fixture.Grains.GetGrain<IGatewayRegistryGrain>(0);
        await Eventually.TrueAsync(async () => await registry.PickAsync("gateway-test") is not null, "the gateway is registered");

        await registry.UnregisterAsync("gateway-test");

        // The next heartbeat returns false and the gateway registers again.
        await Eventually.TrueAsync(async () => await registry.HeartbeatAsync("gateway-test", 0), "the gateway is back in the registry");
    }
}
