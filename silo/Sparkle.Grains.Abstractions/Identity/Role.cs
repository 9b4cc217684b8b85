namespace Sparkle.Grains.Identity;

/// <summary>Tenant roles, ordered by breadth of rights (a higher value holds every right of a lower one
/// unless the matrix says otherwise). The same scale is used for meeting roles.</summary>
public enum Role
{
    Participant = 0,
    Member = 1,
    Chair = 2,
    Manager = 3,
    Owner = 4,
}

public static class Roles
{
    public static string ToWire(this Role role) => role.ToString().ToLowerInvariant();

    public static bool TryParse(string? text, out Role role) =>
        Enum.TryParse(text, ignoreCase: true, out role) && Enum.IsDefined(role);
}
