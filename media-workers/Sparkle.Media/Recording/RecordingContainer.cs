namespace Sparkle.Media.Recording;

/// <summary>The file formats recordings are written in.
/// <list type="bullet">
/// <item>Fragmented MP4 (<c>frag_keyframe+empty_moov+default_base_moof</c>) for an H.264 composite with Opus:
/// the header is written first and every key frame starts a self-contained fragment, so a part cut short
/// by a crash still plays up to its last fragment, and browsers play H.264 + Opus in MP4.</item>
/// <item>WebM for a VP8 composite (VP8 in MP4 is not playable in browsers); Matroska clusters likewise
/// survive a crash up to the last one written.</item>
/// <item>Ogg Opus (<c>audio/ogg</c>) for audio-only recordings and utterances: the smallest framing for Opus,
/// streamable page by page, understood by browsers and speech-to-text services.</item>
/// </list></summary>
public enum RecordingContainer
{
    FragmentedMp4,
    WebM,
    OggOpus,
}

public static class RecordingContainers
{
    public static string FormatName(this RecordingContainer container) => container switch
    {
        RecordingContainer.FragmentedMp4 => "mp4",
        RecordingContainer.WebM => "webm",
        _ => "ogg",
    };

    public static string Extension(this RecordingContainer container) => container switch
    {
        RecordingContainer.FragmentedMp4 => ".mp4",
        RecordingContainer.WebM => ".webm",
        _ => ".opus",
    };

    public static string ContentType(this RecordingContainer container, bool hasVideo) => container switch
    {
        RecordingContainer.FragmentedMp4 => hasVideo ? "video/mp4" : "audio/mp4",
        RecordingContainer.WebM => hasVideo ? "video/webm" : "audio/webm",
        _ => "audio/ogg",
    };
}
