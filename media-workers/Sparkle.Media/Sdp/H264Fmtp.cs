using System.Globalization;

namespace Sparkle.Media.Sdp;

/// <summary>H.264 format parameters in offer/answer (RFC 6184 §8.1, §8.2.2): packetization-mode must be
/// the same both ways (we do modes 0 and 1); the profile of a payload type is fixed by the offer; the
/// level in the answer is ours to receive when the offer allows level asymmetry, else at most the offered
/// one. We decode every 8-bit 4:2:0 profile and send constrained baseline, which all of them decode.</summary>
internal static class H264Fmtp
{
    /// <summary>The highest level we ask senders for: 3.1 (720p30). A sender's picture fills a tile.</summary>
    public const int ReceiveLevel = 0x1F;

    /// <summary>Our offer: constrained baseline 3.1, what the shared encoder produces and what we ask for.
    /// Symmetric (no level-asymmetry-allowed): the level is the same both ways, and the 26 bytes keep a
    /// dial-out INVITE under the 1300 bytes that would send it over TCP.</summary>
    public static string Offer(int packetizationMode) => string.Create(CultureInfo.InvariantCulture,
        $"profile-level-id=42e01f;packetization-mode={packetizationMode}");

    /// <summary>The answer's fmtp for an offered one, or false when we cannot take it (an unknown
    /// packetization mode, a profile our decoder does not output as 8-bit 4:2:0).</summary>
    public static bool TryAnswer(string? offered, out string answer)
    {
        answer = "";
        var parameters = Split(offered);
        var mode = 0;
        if (parameters.TryGetValue("packetization-mode", out var modeText)
            && !int.TryParse(modeText, NumberStyles.None, CultureInfo.InvariantCulture, out mode))
        {
            return false;
        }
        if (mode is not (0 or 1))
        {
            return false; // mode 2 (interleaved) needs STAP-B/MTAP/FU-B
        }
        var asymmetric = parameters.TryGetValue("level-asymmetry-allowed", out var asym) && asym == "1";
        string? profileLevelId = null;
        if (parameters.TryGetValue("profile-level-id", out var offeredId))
        {
            if (offeredId.Length != 6 || !int.TryParse(offeredId, NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var id)
                || !IsDecodable(id >> 16))
            {
                return false;
            }
            var level = id & 0xFF;
            var answerLevel = asymmetric ? ReceiveLevel : Math.Min(level, ReceiveLevel);
            profileLevelId = string.Create(CultureInfo.InvariantCulture, $"{id >> 8:x4}{answerLevel:x2}");
        }
        var builder = new System.Text.StringBuilder();
        if (profileLevelId is not null)
        {
            builder.Append("profile-level-id=").Append(profileLevelId).Append(';');
        }
        builder.Append("packetization-mode=").Append(mode.ToString(CultureInfo.InvariantCulture));
        if (asymmetric)
        {
            builder.Append(";level-asymmetry-allowed=1");
        }
        answer = builder.ToString();
        return true;
    }

    /// <summary>Baseline, main, extended and high: 8-bit 4:2:0, which is what our decoder hands on.</summary>
    private static bool IsDecodable(int profileIdc) => profileIdc is 0x42 or 0x4D or 0x58 or 0x64;

    private static Dictionary<string, string> Split(string? fmtp)
    {
        var result = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var part in (fmtp ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var equals = part.IndexOf('=');
            if (equals > 0)
            {
                result[part[..equals].Trim()] = part[(equals + 1)..].Trim();
            }
        }
        return result;
    }
}
