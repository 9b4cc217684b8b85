namespace Sparkle.Video.Rtp;

public enum VideoFeedbackKind
{
    /// <summary>RFC 4585 Picture Loss Indication (PSFB, FMT 1): send a key frame.</summary>
    PictureLoss,

    /// <summary>RFC 5104 Full Intra Request (PSFB, FMT 4): send a key frame (decoder refresh).</summary>
    FullIntraRequest,

    /// <summary>RFC 5104 Temporary Maximum Media Stream Bit Rate Request (RTPFB, FMT 3).</summary>
    BitrateRequest,

    /// <summary>Receiver Estimated Maximum Bitrate (PSFB, FMT 15, "REMB"), sent by browsers.</summary>
    ReceiverEstimatedBitrate,
}
