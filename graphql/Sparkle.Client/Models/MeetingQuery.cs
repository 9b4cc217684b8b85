namespace Sparkle.Client;

public enum MeetingOrder { CreatedDesc, CreatedAsc, TitleAsc }

/// <summary>Filters of <see cref="SparkleClient.ListMeetingsAsync"/>; null means any. CreatedTo is exclusive.</summary>
public sealed record MeetingQuery(
    string? TitleContains = null,
    MeetingStatus? Status = null,
    DateTimeOffset? CreatedFrom = null,
    DateTimeOffset? CreatedTo = null,
    MeetingOrder OrderBy = MeetingOrder.CreatedDesc);
