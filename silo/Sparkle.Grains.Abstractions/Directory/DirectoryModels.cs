namespace Sparkle.Grains.Directory;

/// <summary>How a contact is reached: an internal SIP short number, or a mobile/landline number
/// dialled through the tenant's trunk.</summary>
public enum ContactAddressKind
{
    SipExtension = 0,
    Mobile = 1,
    Landline = 2,
}

[GenerateSerializer, Immutable]
public sealed record Department(
    [property: Id(0)] string ExternalId,
    [property: Id(1)] string Name,
    [property: Id(2)] string? ParentExternalId);

[GenerateSerializer, Immutable]
public sealed record Contact(
    /// <summary>The HR/OA system's id (directory) or a generated id (personal contacts).</summary>
    [property: Id(0)] string ExternalId,
    [property: Id(1)] string DisplayName,
    [property: Id(2)] string? DepartmentExternalId,
    [property: Id(3)] string? SipNumber,
    [property: Id(4)] string? Mobile,
    [property: Id(5)] string? Landline,
    [property: Id(6)] string? Email,
    [property: Id(7)] string? Title);

public enum SyncMode
{
    /// <summary>The batch is the whole directory: what it omits is deleted.</summary>
    Full = 0,
    /// <summary>The batch upserts what it carries and deletes only what it names in Deletes.</summary>
    Delta = 1,
}

[GenerateSerializer, Immutable]
public sealed record DirectorySyncBatch(
    [property: Id(0)] SyncMode Mode,
    [property: Id(1)] IReadOnlyList<Department> Departments,
    [property: Id(2)] IReadOnlyList<Contact> Contacts,
    [property: Id(3)] IReadOnlyList<string>? DeleteContactIds = null,
    [property: Id(4)] IReadOnlyList<string>? DeleteDepartmentIds = null);

[GenerateSerializer, Immutable]
public sealed record SyncRejection(
    [property: Id(0)] string? ExternalId,
    [property: Id(1)] string Reason);

[GenerateSerializer, Immutable]
public sealed record DirectorySyncReport(
    [property: Id(0)] int Created,
    [property: Id(1)] int Updated,
    [property: Id(2)] int Deleted,
    [property: Id(3)] int Unchanged,
    [property: Id(4)] IReadOnlyList<SyncRejection> Rejected);
