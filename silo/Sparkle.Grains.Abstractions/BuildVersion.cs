using System.Reflection;

namespace Sparkle.Grains;

/// <summary>The build a fleet member reports at registration: its assembly's informational version (the
/// SDK appends the commit when the build has one), else its assembly version.</summary>
public static class BuildVersion
{
    public static string Of(Type type)
    {
        ArgumentNullException.ThrowIfNull(type);
        var assembly = type.Assembly;
        return assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
            ?? assembly.GetName().Version?.ToString()
            ?? "unknown";
    }
}
