using Microsoft.Extensions.Logging;

namespace Sparkle.Grains.Gateway;

/// <summary>Live SIP gateways, in memory, on the same pattern as the media-worker registry.</summary>
public sealed class GatewayRegistryGrain(ILogger<GatewayRegistryGrain> logger) : Grain, IGatewayRegistryGrain
{
    public static readonly TimeSpan DeadAfter = TimeSpan.FromSeconds(5);

    private readonly Dictionary<string, GatewayEntry> _gateways = new(StringComparer.Ordinal);
    private int _next;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        this.RegisterGrainTimer(DropSilentGateways, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));
        return Task.CompletedTask;
    }

    public Task RegisterAsync(GatewayInfo info, ISipGateway gateway)
    {
        ArgumentNullException.ThrowIfNull(info);
        if (string.IsNullOrWhiteSpace(info.GatewayId))
        {
            throw new ArgumentException("A gateway needs an id.", nameof(info));
        }

        ArgumentNullException.ThrowIfNull(gateway);
        _gateways[info.GatewayId] = new GatewayEntry(gateway) { Info = info with { LastSeen = DateTimeOffset.UtcNow } };
        logger.LogInformation("SIP gateway {GatewayId} registered at {Address}", info.GatewayId, info.Address);
        return Task.CompletedTask;
    }

    public Task<bool> HeartbeatAsync(string gatewayId, int calls)
    {
        if (!_gateways.TryGetValue(gatewayId ?? "", out var entry))
        {
            return Task.FromResult(false);
        }

        entry.Info = entry.Info with { Calls = Math.Max(0, calls), LastSeen = DateTimeOffset.UtcNow };
        return Task.FromResult(true);
    }

    public Task<IReadOnlyList<GatewayInfo>> ListAsync() =>
        Task.FromResult<IReadOnlyList<GatewayInfo>>(_gateways.Values.Select(g => g.Info).OrderBy(i => i.GatewayId, StringComparer.Ordinal).ToList());

    public Task UnregisterAsync(string gatewayId)
    {
        _gateways.Remove(gatewayId ?? "");
        return Task.CompletedTask;
    }

    public Task<ISipGateway?> PickAsync(string? preferredGatewayId)
    {
        var now = DateTimeOffset.UtcNow;
        if (preferredGatewayId is not null && _gateways.TryGetValue(preferredGatewayId, out var preferred) && IsLive(preferred, now))
        {
            return Task.FromResult<ISipGateway?>(preferred.Gateway);
        }

        var live = _gateways.Values.Where(g => IsLive(g, now)).ToList();
        if (live.Count == 0)
        {
            return Task.FromResult<ISipGateway?>(null);
        }

        // Round robin spreads dial-outs over the gateways.
        _next = (_next + 1) % live.Count;
        return Task.FromResult<ISipGateway?>(live[_next].Gateway);
    }

    private Task DropSilentGateways()
    {
        var now = DateTimeOffset.UtcNow;
        foreach (var id in _gateways.Where(g => !IsLive(g.Value, now)).Select(g => g.Key).ToList())
        {
            _gateways.Remove(id);
            logger.LogWarning("SIP gateway {GatewayId} dropped: silent for {DeadAfter}", id, DeadAfter);
        }

        return Task.CompletedTask;
    }

    private static bool IsLive(GatewayEntry entry, DateTimeOffset now) => now - entry.Info.LastSeen <= DeadAfter;

    private sealed class GatewayEntry(ISipGateway gateway)
    {
        public ISipGateway Gateway { get; } = gateway;
        public required GatewayInfo Info { get; set; }
    }
}
