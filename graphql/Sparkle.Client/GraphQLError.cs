using System.Text.Json;

namespace Sparkle.Client;

public sealed record GraphQLError(string Message, string? Code, IReadOnlyList<object>? Path)
{
    internal static GraphQLError From(JsonElement error)
    {
        var message = error.TryGetProperty("message", out var m) ? m.GetString() ?? "" : "";
        string? code = null;
        if (error.TryGetProperty("extensions", out var ext) && ext.ValueKind == JsonValueKind.Object
            && ext.TryGetProperty("code", out var c) && c.ValueKind == JsonValueKind.String)
        {
            code = c.GetString();
        }
        List<object>? path = null;
        if (error.TryGetProperty("path", out var p) && p.ValueKind == JsonValueKind.Array)
        {
            path = p.EnumerateArray().Select(e => e.ValueKind == JsonValueKind.Number ? (object)e.GetInt32() : e.GetString()!).ToList();
        }
        return new GraphQLError(message, code, path);
    }
}
