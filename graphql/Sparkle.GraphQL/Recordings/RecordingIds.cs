using Sparkle.GraphQL.Schema;

namespace Sparkle.GraphQL.Recordings;

/// <summary>API ids of recordings and utterances: "{meetingId:N}.{itemId:N}", so the API reaches the
/// meeting's catalog grain without an index. They reveal nothing the caller could not list anyway.</summary>
public static class RecordingIds
{
    public static string Format(Guid meetingId, Guid itemId) => $"{meetingId:N}.{itemId:N}";

    public static (Guid MeetingId, Guid ItemId) Parse(string? id, string what)
    {
        var dot = id?.IndexOf('.') ?? -1;
        if (dot != 32 || !Guid.TryParseExact(id.AsSpan(0, dot), "N", out var meeting) || !Guid.TryParseExact(id.AsSpan(dot + 1), "N", out var item))
        {
            throw ResolveContextExtensions.BadInput($"Not a {what} id: {id}");
        }

        return (meeting, item);
    }
}
