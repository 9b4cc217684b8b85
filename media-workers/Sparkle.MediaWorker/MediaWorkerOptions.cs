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

    public RecordingWorkerOptions Recording { get; set; } = new();

    public WebRtcWorkerOptions WebRtc { get; set; } = new();

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

/// <summary>Section "Media:Recording": how recordings are cut and where finished files wait.</summary>
public sealed class RecordingWorkerOptions
{
    /// <summary>Where the default sink keeps finished files (the uploader takes them from the sink instead).</summary>
    public string SpoolFolder { get; set; } = Path.Combine(Path.GetTempPath(), "sparkle-recordings");

    /// <summary>Where files are written while recorded; default: "incomplete" under the spool folder.</summary>
    public string? WorkFolder { get; set; }

    /// <summary>A part is cut at the first key frame once it holds about this much.</summary>
    public long PartMaxBytes { get; set; } = 64L * 1024 * 1024;

    /// <summary>... or once it is this long.</summary>
    public double PartMaxSeconds { get; set; } = 300;

    public int OpusBitrateKbps { get; set; } = 48;

    /// <summary>How far the queue between the media threads and a recorder may grow while it writes slowly.</summary>
    public int QueueMaxMegabytes { get; set; } = 64;

    public string ResolvedWorkFolder => string.IsNullOrWhiteSpace(WorkFolder) ? Path.Combine(SpoolFolder, "incomplete") : WorkFolder;
}

/// <summary>Section "Media:WebRtc": browsers' legs (ICE-lite, DTLS-SRTP, BUNDLE). Their candidates carry
/// <see cref="MediaWorkerOptions.AnnounceAddress"/> (a cloud VM's public address behind 1:1 NAT).</summary>
public sealed class WebRtcWorkerOptions
{
    /// <summary>How long a browser has, from the answer, for a valid ICE check and a complete DTLS handshake.</summary>
    public double ConnectTimeoutSeconds { get; set; } = 10;

    /// <summary>The video codec browsers get when their offer has both (Chromium offers VP8 and H.264): VP8 by default,
    /// which every browser decodes in software; H.264 shares the encode with H.264 phones.</summary>
    public Sparkle.Video.Codecs.VideoCodec PreferredVideoCodec { get; set; } = Sparkle.Video.Codecs.VideoCodec.Vp8;
}
