using Sparkle.Grains.Identity;

namespace Sparkle.Grains.Directory;

/// <summary>A tenant's enterprise directory (departments and contacts). Key: the tenant id.</summary>
public interface IDirectoryGrain : IGrainWithGuidKey
{
    Task<IReadOnlyList<Department>> ListDepartmentsAsync(Caller caller);
    Task<IReadOnlyList<Contact>> SearchAsync(Caller caller, string? search, int limit);
    Task<Contact?> GetContactAsync(Caller caller, string externalId);
    Task<Contact> UpsertContactAsync(Caller caller, Contact contact);
    Task<bool> DeleteContactAsync(Caller caller, string externalId);
    /// <summary>HR/OA synchronisation: idempotent bulk upsert keyed by external id.</summary>
    Task<DirectorySyncReport> SyncAsync(Caller caller, DirectorySyncBatch batch);
}

/// <summary>One user's personal contacts. Key: <see cref="UserKey.For"/>.</summary>
public interface IPersonalContactsGrain : IGrainWithStringKey
{
    Task<IReadOnlyList<Contact>> ListAsync(Caller caller);
    Task<Contact> UpsertAsync(Caller caller, Contact contact);
    Task<bool> DeleteAsync(Caller caller, string externalId);
}
