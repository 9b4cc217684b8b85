using System.Text.Json;
using System.Text.Json.Serialization;

namespace Sparkle.Client;

/// <summary>JSON as the API speaks it: camelCase fields, lower snake case enum values.</summary>
public static class SparkleJson
{
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };
}
