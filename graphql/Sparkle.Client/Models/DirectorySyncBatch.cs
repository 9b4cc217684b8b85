namespace Sparkle.Client;

public sealed record DirectorySyncBatch(SyncMode Mode, IReadOnlyList<Department> Departments, IReadOnlyList<Contact> Contacts,
    IReadOnlyList<string>? DeleteContactIds = null, IReadOnlyList<string>? DeleteDepartmentIds = null);
