using System.Net;
using Microsoft.Extensions.Logging;
using Sparkle.Gateway.Conference;
using Sparkle.Gateway.DialOut;
using Sparkle.Gateway.Focus;
using Sparkle.Gateway.Hosting;
using Sparkle.Gateway.Registrar;
using Sparkle.Grains;
using Sparkle.Grains.Gateway;
using Sparkle.Sip.Auth;
using Sparkle.Sip.Dialogs;
using Sparkle.Sip.Transactions;
using Sparkle.Sip.Transport;

namespace Sparkle.Gateway;

/// <summary>The gateway process's composition root: the SIP stack, the focus and registrar on top of it,
/// and its registration as an <see cref="ISipGateway"/> with the cluster. Holds no meeting state beyond
/// live dialogs and subscriptions.</summary>
public sealed class SipGateway : IAsyncDisposable
{
    private readonly SipGatewayOptions _options;
    private readonly IGrainFactory _grains;
    private readonly ILoggerFactory _loggers;
    private readonly ILogger _logger;
    private CancellationTokenSource? _heartbeatCts;
    private Task? _heartbeat;
    private ISipGateway? _reference;
    private GatewayEndpoint? _endpoint;

    public SipGateway(SipGatewayOptions options, IGrainFactory grains, ILoggerFactory loggers)
    {
        _options = options;
        _grains = grains;
        _loggers = loggers;
        _logger = loggers.CreateLogger<SipGateway>();
    }

    public SipTransport Transport { get; private set; } = null!;
    public SipUserAgent Agent { get; private set; } = null!;
    public FocusContext Context { get; private set; } = null!;
    public string GatewayId => _options.GatewayId;

    public Task StartAsync(CancellationToken cancellationToken = default)
    {
        var address = IPAddress.Parse(_options.Address);
        Transport = new SipTransport(new SipTransportOptions
        {
            BindAddress = address,
            AdvertisedHost = _options.AdvertisedHost,
            UdpPort = _options.UdpPort,
            TcpPort = _options.TcpPort,
            TlsPort = _options.TlsPort,
            Certificate = GatewayCertificate.Load(_options, _logger),
            MessageTimeout = TimeSpan.FromSeconds(_options.MessageTimeoutSeconds),
            IdleTimeout = TimeSpan.FromSeconds(_options.IdleTimeoutSeconds),
            TlsHandshakeTimeout = TimeSpan.FromSeconds(_options.TlsHandshakeTimeoutSeconds),
            MaxHeaderBytes = _options.MaxHeaderBytes,
            MaxBodyBytes = _options.MaxBodyBytes,
            MaxConnectionsPerAddress = _options.MaxConnectionsPerAddress,
            MaxConnections = _options.MaxConnections,
            Abuse = new SipAbuseOptions
            {
                RequestsPerSecond = _options.RequestsPerSecond,
                RequestBurst = _options.RequestBurst,
                AuthFailuresBeforeBan = _options.AuthFailuresBeforeBan,
                AuthFailureWindow = TimeSpan.FromSeconds(_options.AuthFailureWindowSeconds),
                BanDuration = TimeSpan.FromSeconds(_options.BanSeconds),
                ExemptNetworks = _options.AbuseExemptNetworks
                    .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                    .Select(IPNetwork.Parse).ToList(),
            },
        }, _loggers.CreateLogger<SipTransport>());
        var layer = new SipTransactionLayer(Transport, logger: _loggers.CreateLogger<SipTransactionLayer>());
        Agent = new SipUserAgent(layer, new SipUserAgentOptions(), _loggers.CreateLogger<SipUserAgent>());
        var nonceKey = string.IsNullOrWhiteSpace(_options.NonceKey) ? null : Convert.FromBase64String(_options.NonceKey);
        var algorithms = _options.DigestAlgorithms.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var md5Only = _options.Md5OnlyUserAgents.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Context = new FocusContext(_grains, Agent, Transport, new DigestServer(nonceKey, algorithms: algorithms), _options.GatewayId,
            _loggers, md5Only)
        {
            NotifyInterval = TimeSpan.FromSeconds(Math.Max(0, _options.NotifyIntervalSeconds)),
            MaxResourceListEntries = _options.MaxResourceListEntries,
            MaxResourceListDepth = _options.MaxResourceListDepth,
        };
        var notifier = new ConferenceNotifier(Context);
        var focus = new ConferenceFocus(Context, new SipRegistrar(Context), notifier, new ReferHandler(Context));
        Agent.SetApplication(focus);
        Transport.SetSink(layer);
        Transport.Start();
        _logger.LogInformation("SIP gateway {GatewayId} listening: udp {Udp}, tcp {Tcp}, tls {Tls}",
            _options.GatewayId, Transport.UdpEndPoint, Transport.TcpEndPoint, Transport.TlsEndPoint);

        // Orleans holds observer objects weakly: keep the endpoint alive for as long as the gateway runs.
        _endpoint = new GatewayEndpoint(Context);
        _reference = _grains.CreateObjectReference<ISipGateway>(_endpoint);
        _heartbeatCts = new CancellationTokenSource();
        _heartbeat = Task.Run(() => HeartbeatLoopAsync(_heartbeatCts.Token), CancellationToken.None);
        return Task.CompletedTask;
    }

    public async Task StopAsync()
    {
        if (_heartbeatCts is not null)
        {
            await _heartbeatCts.CancelAsync();
            try
            {
                await (_heartbeat ?? Task.CompletedTask);
            }
            catch (OperationCanceledException)
            {
            }
            try
            {
                await _grains.GetGrain<IGatewayRegistryGrain>(0).UnregisterAsync(_options.GatewayId).WaitAsync(TimeSpan.FromSeconds(2));
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                _logger.LogDebug("Unregister failed: {Message}", ex.Message);
            }
        }
        if (Transport is not null)
        {
            await Transport.DisposeAsync();
        }
    }

    public ValueTask DisposeAsync() => new(StopAsync());

    private GatewayInfo Describe() => new(
        _options.GatewayId,
        string.IsNullOrWhiteSpace(_options.AdvertisedHost) ? _options.Address : _options.AdvertisedHost,
        BuildVersion.Of(typeof(SipGateway)),
        Context.Calls.Count,
        DateTimeOffset.UtcNow);

    /// <summary>Registers with the gateway registry, then heartbeats; registers again when the registry
    /// forgot us (it restarted, or we missed beats).</summary>
    private async Task HeartbeatLoopAsync(CancellationToken cancellationToken)
    {
        var registry = _grains.GetGrain<IGatewayRegistryGrain>(0);
        var registered = false;
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(_options.HeartbeatSeconds));
        do
        {
            try
            {
                if (!registered || !await registry.HeartbeatAsync(_options.GatewayId, Context.Calls.Count))
                {
                    await registry.RegisterAsync(Describe(), _reference!);
                    if (!registered)
                    {
                        _logger.LogInformation("Registered as {GatewayId} with the gateway registry", _options.GatewayId);
                    }
                    registered = true;
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                registered = false;
                _logger.LogWarning("Gateway registry unreachable: {Message}", ex.Message);
            }
        }
        while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false));
    }
}
