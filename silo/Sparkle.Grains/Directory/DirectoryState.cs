namespace Sparkle.Grains.Directory;

[GenerateSerializer]
public sealed class DirectoryState
{
    [Id(0)] public Dictionary<string, Department> Departments { get; set; } = [];
    [Id(1)] public Dictionary<string, Contact> Contacts { get; set; } = [];
    [Id(2)] public DateTimeOffset? LastSync { get; set; }
}

[GenerateSerializer]
public sealed class PersonalContactsState
{
    [Id(0)] public Dictionary<string, Contact> Contacts { get; set; } = [];
}
