namespace Sparkle.GraphQL.Tests;

/// <summary>A seeded user; Password is their SIP password, which is also their web-console password.</summary>
public sealed record DemoUser(string Number, string Role, string Token, string Password = "");
