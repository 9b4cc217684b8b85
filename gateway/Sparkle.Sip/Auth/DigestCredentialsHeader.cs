using Sparkle.Sip.Messages;

namespace Sparkle.Sip.Auth;

/// <summary>The parameters of a "Digest ..." challenge or credentials header value.</summary>
public sealed class DigestCredentialsHeader
{
    private readonly Dictionary<string, string?> _params;

    private DigestCredentialsHeader(Dictionary<string, string?> parameters) => _params = parameters;

    public string? this[string name] => _params.TryGetValue(name, out var v) ? v : null;

    public string? Username => this["username"];
    public string? Realm => this["realm"];
    public string? Nonce => this["nonce"];
    public string? Uri => this["uri"];
    public string? Response => this["response"];
    public string Algorithm => this["algorithm"] ?? DigestAlgorithm.Md5;
    public string? Qop => this["qop"];
    public string? Nc => this["nc"];
    public string? Cnonce => this["cnonce"];
    public string? Opaque => this["opaque"];

    public static bool TryParse(string? value, out DigestCredentialsHeader? header)
    {
        header = null;
        if (value is null)
        {
            return false;
        }
        var trimmed = value.TrimStart();
        if (!trimmed.StartsWith("Digest", StringComparison.OrdinalIgnoreCase) || trimmed.Length < 7 || !char.IsWhiteSpace(trimmed[6]))
        {
            return false;
        }
        header = new DigestCredentialsHeader(HeaderValues.ParseParameters(trimmed.AsSpan(7), ','));
        return true;
    }
}
