using Microsoft.Extensions.Hosting;

namespace Sparkle.Gateway.Hosting;

/// <summary>Starts the gateway once the Orleans client is connected and stops it before the client goes.</summary>
internal sealed class SipGatewayService(SipGateway gateway) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => gateway.StartAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => gateway.StopAsync();
}
