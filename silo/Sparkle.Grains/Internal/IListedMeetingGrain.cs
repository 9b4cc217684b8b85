namespace Sparkle.Grains.Internal;

/// <summary>Silo-internal face of a meeting for the listing index's backfill. Key: the meeting id.</summary>
public interface IListedMeetingGrain : IGrainWithGuidKey
{
    /// <summary>Writes the meeting's row of the listing index (title, state, creation time) now.</summary>
    Task WriteListingAsync();
}
