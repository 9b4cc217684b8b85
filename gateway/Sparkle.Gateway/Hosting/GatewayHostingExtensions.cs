using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Sparkle.Gateway.Hosting;

public static class GatewayHostingExtensions
{
    /// <summary>Adds the SIP gateway (listeners, focus, registrar) as a hosted service.</summary>
    public static IHostApplicationBuilder AddSipGateway(this IHostApplicationBuilder builder)
    {
        var options = new SipGatewayOptions();
        builder.Configuration.GetSection(SipGatewayOptions.Section).Bind(options);
        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton<SipGateway>();
        builder.Services.AddHostedService<SipGatewayService>();
        return builder;
    }
}
