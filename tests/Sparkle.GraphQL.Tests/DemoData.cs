using System.Text.Json.Nodes;

namespace Sparkle.GraphQL.Tests;

/// <summary>The seed file as the silo wrote it and the API host completed it with tokens.</summary>
public sealed record DemoData(DemoTenant Demo, DemoTenant Demo2, string OperatorToken)
{
    /// <summary>Null while some user still lacks a token.</summary>
    public static DemoData? TryRead(string path)
    {
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(File.ReadAllText(path));
        }
        catch (Exception ex) when (ex is IOException or System.Text.Json.JsonException)
        {
            return null;
        }
        if (root?["operatorToken"]?.GetValue<string>() is not { } operatorToken)
        {
            return null;
        }
        var tenants = new Dictionary<string, DemoTenant>();
        foreach (var tenant in root["tenants"]!.AsArray())
        {
            var users = new Dictionary<string, DemoUser>();
            foreach (var user in tenant!["users"]!.AsArray())
            {
                if (user!["token"]?.GetValue<string>() is not { } token)
                {
                    return null;
                }
                var number = user["number"]!.GetValue<string>();
                users[number] = new DemoUser(number, user["role"]!.GetValue<string>(), token, user["password"]?.GetValue<string>() ?? "");
            }
            if (tenant["syncToken"]?.GetValue<string>() is not { } sync)
            {
                return null;
            }
            var name = tenant["name"]!.GetValue<string>();
            tenants[name] = new DemoTenant(Guid.Parse(tenant["id"]!.GetValue<string>()), name, users, sync);
        }
        return new DemoData(tenants["demo"], tenants["demo2"], operatorToken);
    }
}
