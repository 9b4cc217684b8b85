namespace Sparkle.Client;

public enum UserOrder { NumberAsc, NameAsc }

/// <summary>Filters of <see cref="SparkleClient.ListUsersAsync"/>: Search matches number or name.</summary>
public sealed record UserQuery(string? Search = null, Role? Role = null, UserOrder OrderBy = UserOrder.NumberAsc);
