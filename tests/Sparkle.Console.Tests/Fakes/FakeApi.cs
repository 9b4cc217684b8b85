using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Sparkle.Client;

namespace Sparkle.Console.Tests.Fakes;

/// <summary>One GraphQL request a page sent: its document and variables.</summary>
public sealed record GraphQLCall(string Query, JsonElement Variables)
{
    /// <summary>The variable's value as text (numbers and booleans as written, null when absent or null).</summary>
    public string? Var(string name) =>
        Variables.ValueKind == JsonValueKind.Object && Variables.TryGetProperty(name, out var v) && v.ValueKind != JsonValueKind.Null
            ? v.ValueKind == JsonValueKind.String ? v.GetString() : v.GetRawText()
            : null;

    /// <summary>A nested variable, e.g. Path("input", "title").</summary>
    public JsonElement? Path(params string[] names)
    {
        var e = Variables;
        foreach (var n in names)
        {
            if (e.ValueKind != JsonValueKind.Object || !e.TryGetProperty(n, out e))
            {
                return null;
            }
        }
        return e;
    }

    public bool Calls(string rootField) => FakeApi.Mentions(Query, rootField);
}

/// <summary>The API as a page sees it, in memory: /auth/login and /auth/refresh hand out a token for
/// <see cref="LoginRole"/>, and /graphql answers each request with the rule registered for the root field
/// it names (the last registered wins), recording every call so that tests assert on what was sent.
/// A request no rule answers gets an error, so a page asking for something unexpected shows it.</summary>
public sealed class FakeApi : HttpMessageHandler
{
    private readonly List<(string Field, Func<GraphQLCall, object> Answer)> _rules = [];
    private readonly object _gate = new();
    private readonly List<GraphQLCall> _calls = [];

    public Role LoginRole { get; set; } = Role.Owner;
    public string LoginNumber { get; set; } = "1001";
    public Guid TenantId { get; } = Guid.Parse("11111111-1111-1111-1111-111111111111");

    /// <summary>Every GraphQL call so far, oldest first.</summary>
    public IReadOnlyList<GraphQLCall> Calls
    {
        get { lock (_gate) { return [.. _calls]; } }
    }

    /// <summary>The calls naming this root field.</summary>
    public IReadOnlyList<GraphQLCall> CallsTo(string rootField) => Calls.Where(c => c.Calls(rootField)).ToList();

    /// <summary>While set, GraphQL calls wait for it (a test sees the page's progress state).</summary>
    public TaskCompletionSource? Gate { get; set; }

    /// <summary>While true, GraphQL calls fail as if the network were down (HttpRequestException).</summary>
    public bool Offline { get; set; }

    /// <summary>Answers <paramref name="rootField"/> with data.rootField = the value returned.</summary>
    public FakeApi On(string rootField, Func<GraphQLCall, object?> data)
    {
        lock (_gate)
        {
            _rules.Add((rootField, call => new Dictionary<string, object?> { ["data"] = new Dictionary<string, object?> { [rootField] = data(call) } }));
        }
        return this;
    }

    public FakeApi On(string rootField, object? data) => On(rootField, _ => data);

    /// <summary>Answers with a typed API error (extensions.code, and extensions.reason when given), as GraphQL.NET
    /// writes them.</summary>
    public FakeApi OnError(string rootField, string code, string message, string? reason = null)
    {
        lock (_gate)
        {
            object extensions = reason is null ? new { code } : new { code, reason };
            _rules.Add((rootField, _ => new Dictionary<string, object?>
            {
                ["errors"] = new[] { new { message, extensions, path = new[] { rootField } } },
                ["data"] = null,
            }));
        }
        return this;
    }

    /// <summary>A cursor connection as the API serves it: edges with cursors, nodes, pageInfo, totalCount.
    /// Cursors are "c{offset+i}".</summary>
    public static object Connection<T>(IReadOnlyList<T> nodes, bool hasNextPage, int? totalCount = null, int offset = 0) => new
    {
        edges = nodes.Select((n, i) => new { cursor = $"c{offset + i + 1}", node = n }).ToList(),
        nodes,
        pageInfo = new { hasNextPage, endCursor = nodes.Count > 0 ? $"c{offset + nodes.Count}" : null },
        totalCount = totalCount ?? nodes.Count,
    };

    internal static bool Mentions(string query, string field) =>
        Regex.IsMatch(query, $@"(?<![\w.$]){Regex.Escape(field)}\s*[({{]");

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var path = request.RequestUri!.AbsolutePath.TrimStart('/');
        switch (path)
        {
            case "auth/login":
            case "auth/refresh":
                return Json(new
                {
                    accessToken = "access-" + LoginNumber,
                    refreshToken = "refresh-" + LoginNumber,
                    expiresIn = 3600,
                    tenantId = TenantId,
                    userNumber = LoginNumber,
                    role = LoginRole,
                });
            case "auth/logout":
                return new HttpResponseMessage(HttpStatusCode.OK);
            case "graphql":
                break;
            default:
                return new HttpResponseMessage(HttpStatusCode.NotFound);
        }

        if (Offline)
        {
            throw new HttpRequestException("The fake API is offline.");
        }
        using var body = JsonDocument.Parse(await request.Content!.ReadAsStringAsync(cancellationToken));
        var query = body.RootElement.GetProperty("query").GetString()!;
        var variables = body.RootElement.TryGetProperty("variables", out var v) ? v.Clone() : default;
        var call = new GraphQLCall(query, variables);
        Func<GraphQLCall, object>? answer;
        lock (_gate)
        {
            _calls.Add(call);
            answer = _rules.LastOrDefault(r => Mentions(query, r.Field)).Answer;
        }
        if (Gate is { } gate)
        {
            await gate.Task.WaitAsync(cancellationToken);
        }
        return Json(answer is null
            ? new { errors = new[] { new { message = "The fake API has no answer for: " + query, extensions = new { code = "FAKE_UNANSWERED" } } } }
            : answer(call));
    }

    private static HttpResponseMessage Json(object value) => new(HttpStatusCode.OK)
    {
        Content = new StringContent(JsonSerializer.Serialize(value, SparkleJson.Options), Encoding.UTF8, "application/json"),
    };
}
