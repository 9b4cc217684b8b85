using System.Text;
using GraphQL.Types;

namespace Sparkle.GraphQL.Schema;

/// <summary>Enum values on the wire are lower snake case ("owner", "dialing_out"), the same spelling as
/// roles in the seed file and Roles.ToWire.</summary>
public abstract class WireEnumType<TEnum> : EnumerationGraphType<TEnum>
    where TEnum : Enum
{
    protected WireEnumType(string name, string description)
    {
        Name = name;
        Description = description;
    }

    protected override string ChangeEnumCase(string val) => ToWire(val);

    public static string ToWire(string pascal)
    {
        var text = new StringBuilder(pascal.Length + 4);
        for (var i = 0; i < pascal.Length; i++)
        {
            var c = pascal[i];
            if (char.IsUpper(c) && i > 0)
            {
                text.Append('_');
            }
            text.Append(char.ToLowerInvariant(c));
        }
        return text.ToString();
    }
}
