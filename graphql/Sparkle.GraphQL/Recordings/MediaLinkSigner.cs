using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.IdentityModel.Tokens;

namespace Sparkle.GraphQL.Recordings;

public enum MediaLinkKind
{
    Play = 0,
    Export = 1,
    Utterance = 2,
    /// <summary>The utterance of a minutes entry, for whoever may read the minutes.</summary>
    MinutesAudio = 3,
    /// <summary>The minutes as a document (GET /minutes/{token}).</summary>
    MinutesMarkdown = 4,
    MinutesDocx = 5,
    /// <summary>The live composite of a running meeting as JPEG (GET /media/preview/{token}); item = the meeting.</summary>
    LivePreview = 6,
}

/// <summary>What a valid link grants: this item, this way, to this user, until then.</summary>
public sealed record MediaLinkClaims(MediaLinkKind Kind, Guid TenantId, string UserNumber, Guid MeetingId, Guid ItemId, DateTimeOffset ExpiresAt);

/// <summary>Signs and checks playback links: "payload.mac", both base64url, the MAC an HMAC-SHA256 under a
/// 256-bit host secret kept in the key folder beside the API's signing key (generated on first start, owner
/// read/write only; every API host of a deployment shares the folder). The payload binds the kind, the tenant,
/// the user, the meeting, the item and the expiry, so nothing in a link can be changed or reused for another
/// item. The link is the capability for its user for <see cref="Lifetime"/>: a browser's &lt;audio src&gt; cannot
/// send a bearer header, so none is required; when one is sent it must name the same user.</summary>
public sealed class MediaLinkSigner
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(5);
    private const string FileName = "media-link-key";
    private const string Version = "v1";
    private readonly byte[] _key;

    public MediaLinkSigner(byte[] key, TimeProvider clock)
    {
        if (key.Length < 32)
        {
            throw new ArgumentException("The link key needs 32 bytes.", nameof(key));
        }

        _key = key;
        Clock = clock;
    }

    public TimeProvider Clock { get; }

    /// <summary>The same key on another clock (tests issue links that are already expired).</summary>
    public MediaLinkSigner WithClock(TimeProvider clock) => new(_key, clock);

    public static MediaLinkSigner FromKeyFolder(string keyFolder, TimeProvider clock) =>
        new(LoadOrCreate(Path.GetFullPath(Path.Combine(keyFolder, FileName))), clock);

    /// <param name="lifetime"><see cref="Lifetime"/> unless given (the audio links inside an exported minutes
    /// document live longer; every request still re-checks the user's rights).</param>
    public (string Token, DateTimeOffset ExpiresAt) Issue(MediaLinkKind kind, Guid tenantId, string userNumber, Guid meetingId, Guid itemId, TimeSpan? lifetime = null)
    {
        var expires = Clock.GetUtcNow() + (lifetime ?? Lifetime);
        var payload = string.Join('|', Version, ((int)kind).ToString(CultureInfo.InvariantCulture), tenantId.ToString("N"), userNumber,
            meetingId.ToString("N"), itemId.ToString("N"), expires.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture));
        var bytes = Encoding.UTF8.GetBytes(payload);
        return (Base64UrlEncoder.Encode(bytes) + "." + Base64UrlEncoder.Encode(HMACSHA256.HashData(_key, bytes)), DateTimeOffset.FromUnixTimeSeconds(expires.ToUnixTimeSeconds()));
    }

    /// <summary>The claims of an authentic, unexpired link; null otherwise (altered, forged, malformed, expired).</summary>
    public MediaLinkClaims? Verify(string? token)
    {
        var dot = token?.IndexOf('.') ?? -1;
        if (token is null || dot <= 0 || token.Length > 1024)
        {
            return null;
        }

        byte[] payload, mac;
        try
        {
            payload = Base64UrlEncoder.DecodeBytes(token[..dot]);
            mac = Base64UrlEncoder.DecodeBytes(token[(dot + 1)..]);
        }
        catch (FormatException)
        {
            return null;
        }

        if (!CryptographicOperations.FixedTimeEquals(HMACSHA256.HashData(_key, payload), mac))
        {
            return null;
        }

        var fields = Encoding.UTF8.GetString(payload).Split('|');
        if (fields.Length != 7 || fields[0] != Version
            || !int.TryParse(fields[1], NumberStyles.None, CultureInfo.InvariantCulture, out var kind) || !Enum.IsDefined((MediaLinkKind)kind)
            || !Guid.TryParseExact(fields[2], "N", out var tenant) || fields[3].Length == 0
            || !Guid.TryParseExact(fields[4], "N", out var meeting) || !Guid.TryParseExact(fields[5], "N", out var item)
            || !long.TryParse(fields[6], NumberStyles.None, CultureInfo.InvariantCulture, out var expiresUnix))
        {
            return null;
        }

        var expires = DateTimeOffset.FromUnixTimeSeconds(expiresUnix);
        return Clock.GetUtcNow() >= expires ? null : new MediaLinkClaims((MediaLinkKind)kind, tenant, fields[3], meeting, item, expires);
    }

    private static byte[] LoadOrCreate(string path)
    {
        if (!File.Exists(path))
        {
            System.IO.Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            var temp = path + "." + Guid.NewGuid().ToString("N") + ".tmp";
            File.WriteAllText(temp, Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)));
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(temp, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            }

            try
            {
                // Another host may have created it meanwhile: theirs wins, so both check alike.
                File.Move(temp, path, overwrite: false);
            }
            catch (IOException) when (File.Exists(path))
            {
                File.Delete(temp);
            }
        }

        return Convert.FromBase64String(File.ReadAllText(path).Trim());
    }
}
