using System.Net;
using System.Text.Json;

namespace Sparkle.Client;

/// <summary>A GraphQL response: data (if any), errors, and the HTTP status it came with.</summary>
public sealed class GraphQLResponse
{
    internal GraphQLResponse(HttpStatusCode status, JsonElement? data, IReadOnlyList<GraphQLError> errors)
    {
        Status = status;
        Data = data;
        Errors = errors;
    }

    public HttpStatusCode Status { get; }

    public JsonElement? Data { get; }

    public IReadOnlyList<GraphQLError> Errors { get; }

    public bool HasErrors => Errors.Count > 0;

    /// <summary>The first error's code, or null.</summary>
    public string? ErrorCode => Errors.Count > 0 ? Errors[0].Code : null;

    /// <summary>Throws SparkleApiException when the response carries errors.</summary>
    public GraphQLResponse EnsureSuccess()
    {
        if (HasErrors)
        {
            throw new SparkleApiException(string.Join("; ", Errors.Select(e => e.Message)), ErrorCode, Errors);
        }
        return this;
    }

    /// <summary>Deserialises data.field into T (after EnsureSuccess).</summary>
    public T Get<T>(string field)
    {
        EnsureSuccess();
        if (Data is not { ValueKind: JsonValueKind.Object } data || !data.TryGetProperty(field, out var value))
        {
            throw new SparkleApiException($"The response has no data.{field}.", null, Errors);
        }
        return value.Deserialize<T>(SparkleJson.Options)!;
    }

    internal static GraphQLResponse Parse(HttpStatusCode status, JsonElement root)
    {
        JsonElement? data = root.TryGetProperty("data", out var d) && d.ValueKind != JsonValueKind.Null ? d.Clone() : null;
        var errors = root.TryGetProperty("errors", out var e) && e.ValueKind == JsonValueKind.Array
            ? e.EnumerateArray().Select(GraphQLError.From).ToList()
            : [];
        return new GraphQLResponse(status, data, errors);
    }
}
