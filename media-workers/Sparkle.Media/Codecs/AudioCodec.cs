namespace Sparkle.Media.Codecs;

public enum AudioCodec
{
    Pcmu = 0,
    Pcma = 1,
    G722 = 2,
    Opus = 3,
}

/// <summary>What the SDP layer and the RTP path need to know about each codec.</summary>
public static class AudioCodecs
{
    /// <summary>The rate the codec's PCM runs at.</summary>
    public static int SampleRate(this AudioCodec codec) => codec switch
    {
        AudioCodec.G722 => 16000,
        AudioCodec.Opus => 48000,
        _ => 8000,
    };

    /// <summary>The RTP clock rate; G.722 keeps 8000 for historical reasons (RFC 3551 §4.5.2).</summary>
    public static int RtpClockRate(this AudioCodec codec) => codec == AudioCodec.Opus ? 48000 : 8000;

    /// <summary>The encoding name in a=rtpmap.</summary>
    public static string EncodingName(this AudioCodec codec) => codec switch
    {
        AudioCodec.Pcmu => "PCMU",
        AudioCodec.Pcma => "PCMA",
        AudioCodec.G722 => "G722",
        _ => "opus",
    };

    /// <summary>The static payload type (RFC 3551), or -1 for dynamic ones.</summary>
    public static int StaticPayloadType(this AudioCodec codec) => codec switch
    {
        AudioCodec.Pcmu => 0,
        AudioCodec.Pcma => 8,
        AudioCodec.G722 => 9,
        _ => -1,
    };

    public static bool TryParse(string encodingName, int clockRate, out AudioCodec codec)
    {
        codec = default;
        if (encodingName.Equals("PCMU", StringComparison.OrdinalIgnoreCase) && clockRate == 8000)
        {
            codec = AudioCodec.Pcmu;
        }
        else if (encodingName.Equals("PCMA", StringComparison.OrdinalIgnoreCase) && clockRate == 8000)
        {
            codec = AudioCodec.Pcma;
        }
        else if (encodingName.Equals("G722", StringComparison.OrdinalIgnoreCase) && clockRate == 8000)
        {
            codec = AudioCodec.G722;
        }
        else if (encodingName.Equals("opus", StringComparison.OrdinalIgnoreCase) && clockRate == 48000)
        {
            codec = AudioCodec.Opus;
        }
        else
        {
            return false;
        }
        return true;
    }

    /// <summary>Samples (at the codec rate) per RTP timestamp unit: 2 for G.722, else 1.</summary>
    public static int SamplesPerTick(this AudioCodec codec) => codec == AudioCodec.G722 ? 2 : 1;

    public static IAudioDecoder CreateDecoder(this AudioCodec codec) => codec switch
    {
        AudioCodec.Pcmu => new G711Decoder(aLaw: false),
        AudioCodec.Pcma => new G711Decoder(aLaw: true),
        AudioCodec.G722 => new G722Decoder(),
        _ => new OpusDecoder(),
    };

    public static IAudioEncoder CreateEncoder(this AudioCodec codec) => codec switch
    {
        AudioCodec.Pcmu => new G711Encoder(aLaw: false),
        AudioCodec.Pcma => new G711Encoder(aLaw: true),
        AudioCodec.G722 => new G722Encoder(),
        _ => new OpusEncoder(),
    };
}
