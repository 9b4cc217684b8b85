namespace Sparkle.Grains.Internal;

/// <summary>Silo-internal face of the tenant catalog: who owns and who is invited to a meeting, so that
/// ListMeetingsAsync can show members their own meetings. Key: the tenant id.</summary>
public interface ICatalogMembersGrain : IGrainWithGuidKey
{
    Task SetMeetingMembersAsync(Guid meetingId, string ownerNumber, IReadOnlyList<string> numbers);

    /// <summary>AddMeetingAsync and SetMeetingMembersAsync in one turn and one write of the catalog (a new
    /// meeting, ad hoc ones from the SIP factory included, costs one write of the whole catalog, not two).</summary>
    Task<string> AddMeetingWithMembersAsync(Guid meetingId, bool adHoc, string ownerNumber, IReadOnlyList<string> numbers);

    /// <summary>An ended meeting leaves the live catalog (it takes no calls again: its number no longer finds it);
    /// it stays in the listing index, the paged history, with who may see it.</summary>
    Task RetireMeetingAsync(Guid meetingId);
}
