namespace Sparkle.MediaWorker;

/// <summary>Configuration section "Media" (environment: Media__WorkerId, Media__Address, Media__Video__Width, ...).</summary>
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

    /// <summary>A leg with no media (neither RTP nor RTCP) for this long is reported silent to its
    /// meeting, which treats a connected call as dead (a phone that lost its network sends no BYE).
    /// Held calls keep sending RTCP, so they are not caught by it.</summary>
    public double SilentAfterSeconds { get; set; } = 30;

    /// <summary>How many of the loudest talkers each conference mixes.</summary>
    public int MaxSpeakers { get; set; } = 3;

    public VideoWorkerOptions Video { get; set; } = new();

    public string MediaAddress => string.IsNullOrWhiteSpace(AnnounceAddress) ? Address : AnnounceAddress;
}

/// <summary>Section "Media:Video": the composite every receiver of a meeting shares.</summary>
public sealed class VideoWorkerOptions
{
    /// <summary>Off: video m= lines are rejected (port 0), as an audio-only worker does.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Put a video stream in the worker's own offers (dial-out, offerless INVITEs).</summary>
    public bool Offer { get; set; } = true;

    public int Width { get; set; } = 1280;
    public int Height { get; set; } = 720;
    public int BitrateKbps { get; set; } = 1200;
    public int LowWidth { get; set; } = 640;
    public int LowHeight { get; set; } = 360;
    public int LowBitrateKbps { get; set; } = 400;
    public int FramesPerSecond { get; set; } = 15;

    /// <summary>What senders are asked to stay under (b=AS): their picture only fills a tile.</summary>
    public int ReceiveBitrateKbps { get; set; } = 1024;
}
