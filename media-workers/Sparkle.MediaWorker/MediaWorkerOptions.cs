namespace Sparkle.MediaWorker;

/// <summary>Configuration section "Media" (environment: Media__WorkerId, Media__Address, ...).</summary>
public sealed class MediaWorkerOptions
{
    public const string Section = "Media";

    /// <summary>Unique per worker process; defaults to the host name.</summary>
    public string WorkerId { get; set; } = Environment.MachineName.ToLowerInvariant();

    /// <summary>The address RTP sockets bind to.</summary>
    public string Address { get; set; } = "127.0.0.1";

    /// <summary>The address put in SDP (c=) when it differs from the bind address (NAT, 0.0.0.0).</summary>
    public string? AnnounceAddress { get; set; }

    public int RtpPortMin { get; set; } = 20000;
    public int RtpPortMax { get; set; } = 29999;

    /// <summary>Legs this worker accepts at most.</summary>
    public int CapacityLegs { get; set; } = 300;

    /// <summary>A leg with no media for this long is reported silent to its meeting.</summary>
    public double SilentAfterSeconds { get; set; } = 10;

    /// <summary>How many of the loudest talkers each conference mixes.</summary>
    public int MaxSpeakers { get; set; } = 3;

    public string MediaAddress => string.IsNullOrWhiteSpace(AnnounceAddress) ? Address : AnnounceAddress;
}
