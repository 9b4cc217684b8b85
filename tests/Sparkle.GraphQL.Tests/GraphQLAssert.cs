using System.Text.Json;
using Sparkle.Client;

namespace Sparkle.GraphQL.Tests;

internal static class GraphQLAssert
{
    /// <summary>data.field of a successful response.</summary>
    public static JsonElement Field(this GraphQLResponse response, string field)
    {
        response.EnsureSuccess();
        return response.Data!.Value.GetProperty(field);
    }

    /// <summary>The operation was refused or found nothing: an error, or a null result, and never data.</summary>
    public static void Denied(GraphQLResponse response, string field, params string[] codes)
    {
        if (response.HasErrors)
        {
            Assert.Contains(response.ErrorCode, codes);
            return;
        }
        var value = response.Data!.Value.GetProperty(field);
        Assert.True(value.ValueKind == JsonValueKind.Null, $"{field} returned data: {value}");
    }
}
