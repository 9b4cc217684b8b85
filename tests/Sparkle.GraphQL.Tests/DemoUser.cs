namespace Sparkle.GraphQL.Tests;

public sealed record DemoUser(string Number, string Role, string Token);
