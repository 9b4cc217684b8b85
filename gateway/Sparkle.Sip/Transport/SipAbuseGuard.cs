using System.Collections.Concurrent;
using System.Net;
using Microsoft.Extensions.Logging;
using Sparkle.Sip.Messages;

namespace Sparkle.Sip.Transport;

/// <summary>What the transport does with a request after the abuse checks.</summary>
public enum SipAbuseVerdict
{
    Allow,
    /// <summary>Over the rate: answer 503 with Retry-After (INVITE, REGISTER, SUBSCRIBE, once a second per source).</summary>
    Reject,
    /// <summary>Over the rate or banned: nothing is sent back, so a flood is not amplified.</summary>
    Drop,
}

public sealed class SipAbuseOptions
{
    /// <summary>Requests per second each source address may sustain (token bucket refill); 0 disables.</summary>
    public double RequestsPerSecond { get; set; } = 50;
    /// <summary>Requests a source may send at once above the sustained rate (bucket size).</summary>
    public int RequestBurst { get; set; } = 200;
    /// <summary>Failed digest checks from one address within <see cref="AuthFailureWindow"/> that ban it; 0 disables.</summary>
    public int AuthFailuresBeforeBan { get; set; } = 10;
    public TimeSpan AuthFailureWindow { get; set; } = TimeSpan.FromMinutes(1);
    /// <summary>How long a banned address is ignored (every message it sends is dropped).</summary>
    public TimeSpan BanDuration { get; set; } = TimeSpan.FromMinutes(10);
    /// <summary>Networks never limited or banned: loopback by default, where the SIP bench drives hundreds of
    /// calls a second from one address. Add trusted proxies (a P-CSCF) and trunks here.</summary>
    public IReadOnlyList<IPNetwork> ExemptNetworks { get; set; } = [IPNetwork.Parse("127.0.0.0/8"), IPNetwork.Parse("::1/128")];
    /// <summary>Sources tracked at once; past it new sources go unlimited rather than grow memory without bound
    /// (UDP sources can be forged by the million).</summary>
    public int MaxTrackedSources { get; set; } = 100_000;
}

/// <summary>Per-source-address abuse limits at the edge: a token bucket on requests, and fail2ban-like bans
/// after repeated digest failures. Runs on the transport's clock; logs once per ban and once per episode of
/// rate limiting, never per packet.</summary>
public sealed class SipAbuseGuard : IDisposable
{
    private readonly SipAbuseOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<IPAddress, Source> _sources = new();
    private readonly ITimer _sweep;
    private long _rejected;
    private long _dropped;
    private long _bans;
    private long _bannedDrops;

    public SipAbuseGuard(SipAbuseOptions options, TimeProvider time, ILogger logger)
    {
        _options = options;
        _time = time;
        _logger = logger;
        _sweep = time.CreateTimer(static s => ((SipAbuseGuard)s!).Sweep(), this, TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(1));
    }

    /// <summary>Requests answered 503 for their source's rate.</summary>
    public long RateRejected => Interlocked.Read(ref _rejected);
    /// <summary>Requests dropped silently for their source's rate.</summary>
    public long RateDropped => Interlocked.Read(ref _dropped);
    /// <summary>Bans imposed since start.</summary>
    public long Bans => Interlocked.Read(ref _bans);
    /// <summary>Messages dropped because their source was banned.</summary>
    public long BannedDrops => Interlocked.Read(ref _bannedDrops);
    public int TrackedSources => _sources.Count;

    public bool IsExempt(IPAddress address)
    {
        address = Normalize(address);
        foreach (var network in _options.ExemptNetworks)
        {
            if (network.Contains(address))
            {
                return true;
            }
        }
        return false;
    }

    public bool IsBanned(IPAddress address)
    {
        address = Normalize(address);
        return _sources.TryGetValue(address, out var source) && source.BannedUntil(_time.GetUtcNow());
    }

    /// <summary>Checks one message from <paramref name="address"/>. Responses are only stopped by a ban: they
    /// match our own transactions, and limiting them would only make us retransmit.</summary>
    public SipAbuseVerdict Check(IPAddress address, SipMessage message)
    {
        address = Normalize(address);
        if (IsExempt(address))
        {
            return SipAbuseVerdict.Allow;
        }
        var now = _time.GetUtcNow();
        var source = Track(address, now);
        if (source is null)
        {
            return SipAbuseVerdict.Allow;
        }
        lock (source)
        {
            if (source.BannedUntil(now))
            {
                Interlocked.Increment(ref _bannedDrops);
                return SipAbuseVerdict.Drop;
            }
            // ACKs carry no transaction of their own and complete calls already accepted.
            if (message is not SipRequest request || request.Method == SipMethods.Ack || _options.RequestsPerSecond <= 0)
            {
                return SipAbuseVerdict.Allow;
            }
            source.Refill(now, _options.RequestsPerSecond, _options.RequestBurst);
            if (source.Tokens >= 1)
            {
                source.Tokens -= 1;
                source.Limited = false;
                return SipAbuseVerdict.Allow;
            }
            if (!source.Limited)
            {
                source.Limited = true;
                _logger.LogWarning("Rate limiting SIP requests from {Source} (over {Rate}/s, burst {Burst})",
                    address, _options.RequestsPerSecond, _options.RequestBurst);
            }
            // One 503 a second per source tells a real client to back off; the rest of a flood gets nothing.
            if (request.Method is SipMethods.Invite or SipMethods.Register or SipMethods.Subscribe
                && now - source.LastRejection >= TimeSpan.FromSeconds(1))
            {
                source.LastRejection = now;
                Interlocked.Increment(ref _rejected);
                return SipAbuseVerdict.Reject;
            }
            Interlocked.Increment(ref _dropped);
            return SipAbuseVerdict.Drop;
        }
    }

    /// <summary>Seconds a rate-limited client should wait: until its bucket holds one token again, at least 1.</summary>
    public int RetryAfterSeconds => _options.RequestsPerSecond <= 0 ? 1 : Math.Max(1, (int)Math.Ceiling(1 / _options.RequestsPerSecond));

    /// <summary>A digest check from <paramref name="address"/> failed (wrong password or unknown user). Enough of
    /// them within the window ban the address.</summary>
    public void RecordAuthFailure(IPAddress address)
    {
        address = Normalize(address);
        if (_options.AuthFailuresBeforeBan <= 0 || IsExempt(address))
        {
            return;
        }
        var now = _time.GetUtcNow();
        if (Track(address, now) is not { } source)
        {
            return;
        }
        lock (source)
        {
            if (source.BannedUntil(now))
            {
                return;
            }
            source.Failures.Enqueue(now);
            while (source.Failures.Count > 0 && now - source.Failures.Peek() >= _options.AuthFailureWindow)
            {
                source.Failures.Dequeue();
            }
            if (source.Failures.Count < _options.AuthFailuresBeforeBan)
            {
                return;
            }
            source.Failures.Clear();
            source.Ban = now + _options.BanDuration;
        }
        Interlocked.Increment(ref _bans);
        _logger.LogWarning("Banning {Source} for {Minutes} min after {Failures} failed authentications within {Window} s",
            address, _options.BanDuration.TotalMinutes, _options.AuthFailuresBeforeBan, _options.AuthFailureWindow.TotalSeconds);
    }

    public void Dispose() => _sweep.Dispose();

    private Source? Track(IPAddress address, DateTimeOffset now)
    {
        if (_sources.TryGetValue(address, out var existing))
        {
            return existing;
        }
        if (_sources.Count >= _options.MaxTrackedSources)
        {
            return null;
        }
        return _sources.GetOrAdd(address, _ => new Source(now, _options.RequestBurst));
    }

    /// <summary>Forgets sources with nothing to remember: a full bucket, no ban, no recent failure.</summary>
    private void Sweep()
    {
        var now = _time.GetUtcNow();
        foreach (var (address, source) in _sources)
        {
            lock (source)
            {
                source.Refill(now, _options.RequestsPerSecond, _options.RequestBurst);
                var idle = source.Tokens >= _options.RequestBurst && !source.BannedUntil(now)
                    && (source.Failures.Count == 0 || now - source.Failures.Last() >= _options.AuthFailureWindow);
                if (idle)
                {
                    _sources.TryRemove(new KeyValuePair<IPAddress, Source>(address, source));
                }
            }
        }
    }

    private static IPAddress Normalize(IPAddress address) => address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;

    private sealed class Source(DateTimeOffset now, double tokens)
    {
        public double Tokens = tokens;
        public DateTimeOffset Refilled = now;
        public DateTimeOffset LastRejection = DateTimeOffset.MinValue;
        public DateTimeOffset? Ban;
        public bool Limited;
        public Queue<DateTimeOffset> Failures { get; } = new();

        public bool BannedUntil(DateTimeOffset now) => Ban is { } until && now < until;

        public void Refill(DateTimeOffset now, double rate, int burst)
        {
            if (now > Refilled)
            {
                Tokens = Math.Min(burst, Tokens + (now - Refilled).TotalSeconds * rate);
                Refilled = now;
            }
        }
    }
}
