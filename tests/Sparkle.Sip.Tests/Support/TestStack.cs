using System.Net;
using Sparkle.Sip.Dialogs;
using Sparkle.Sip.Transactions;
using Sparkle.Sip.Transport;

namespace Sparkle.Sip.Tests.Support;

/// <summary>A real stack on loopback (ports chosen by the OS): transports, transactions, UA core, application.</summary>
public sealed class TestStack : IAsyncDisposable
{
    private TestStack(SipTransport transport, SipUserAgent agent, ISipApplication app)
    {
        Transport = transport;
        Agent = agent;
        Application = app;
    }

    public SipTransport Transport { get; }
    public SipUserAgent Agent { get; }
    public ISipApplication Application { get; }

    public static TestStack Start(ISipApplication? app = null, bool tls = false, SipTimers? timers = null,
        Action<SipTransportOptions>? configure = null)
    {
        var options = new SipTransportOptions
        {
            BindAddress = IPAddress.Loopback,
            UdpPort = 0,
            TcpPort = 0,
            TlsPort = tls ? 0 : null,
            Certificate = tls ? SipCertificates.CreateSelfSigned("localhost") : null,
            AcceptAnyServerCertificate = true,
        };
        configure?.Invoke(options);
        var transport = new SipTransport(options);
        var layer = new SipTransactionLayer(transport, timers: timers);
        var agent = new SipUserAgent(layer);
        app ??= new EchoApplication();
        agent.SetApplication(app);
        transport.SetSink(layer);
        transport.Start();
        return new TestStack(transport, agent, app);
    }

    public ValueTask DisposeAsync() => Transport.DisposeAsync();
}
