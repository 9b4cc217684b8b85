using System.Text.Json;

namespace Sparkle.Client;

public sealed record GraphQLError(string Message, string? Code, IReadOnlyList<object>? Path)
{
    /// <summary>extensions.reason, where the API says more than the code (OFFER_NOT_ACCEPTABLE: NoFingerprint, PlainRtp...).</summary>
    public string? Reason { get; init; }

    internal static GraphQLError From(JsonElement error)
    {
        var message = error.TryGetProperty("message", out var m) ? m.GetString() ?? "" : "";
        string? code = null;
        string? reason = null;
        if (error.TryGetProperty("extensions", out var ext) && ext.ValueKind == JsonValueKind.Object)
        {
            if (ext.TryGetProperty("code", out var c) && c.ValueKind == JsonValueKind.String)
            {
                code = c.GetString();
            }
            if (ext.TryGetProperty("reason", out var r) && r.ValueKind == JsonValueKind.String)
            {
                reason = r.GetString();
            }
        }
        List<object>? path = null;
        if (error.TryGetProperty("path", out var p) && p.ValueKind == JsonValueKind.Array)
        {
            path = p.EnumerateArray().Select(e => e.ValueKind == JsonValueKind.Number ? (object)e.GetInt32() : e.GetString()!).ToList();
        }
        return new GraphQLError(message, code, path) { Reason = reason };
    }
}
