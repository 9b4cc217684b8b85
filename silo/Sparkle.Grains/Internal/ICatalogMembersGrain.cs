namespace Sparkle.Grains.Internal;

/// <summary>Silo-internal face of the tenant catalog: who owns and who is invited to a meeting, so that
/// ListMeetingsAsync can show members their own meetings. Key: the tenant id.</summary>
public interface ICatalogMembersGrain : IGrainWithGuidKey
{
    Task SetMeetingMembersAsync(Guid meetingId, string ownerNumber, IReadOnlyList<string> numbers);
}
