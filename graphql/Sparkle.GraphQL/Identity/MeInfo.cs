using Sparkle.Grains.Identity;

namespace Sparkle.GraphQL.Identity;

/// <summary>Who the token says the caller is, with the role the grains currently give them.</summary>
public sealed record MeInfo(Caller Caller, Role? Role);
