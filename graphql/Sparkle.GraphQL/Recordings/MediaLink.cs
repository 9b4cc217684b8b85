using GraphQL.Types;

namespace Sparkle.GraphQL.Recordings;

/// <summary>A short-lived playback link; <see cref="Url"/> is the first part, <see cref="Parts"/> every part
/// (a long recording is stored as parts that each play alone: fMP4 fragments of different files are not one
/// valid file when concatenated, so the API does not pretend they are).</summary>
public sealed record MediaLink(string Url, DateTimeOffset ExpiresAt, IReadOnlyList<MediaLinkPart> Parts);

public sealed record MediaLinkPart(int Index, string Url, long OffsetMs, long DurationMs);

public sealed class MediaLinkType : ObjectGraphType<MediaLink>
{
    public MediaLinkType()
    {
        Name = "MediaLink";
        Description = "A link that streams (or downloads) the decrypted media for the user it was issued to, for 5 minutes.";
        Field(x => x.Url).Description("The first (for an utterance: the only) part.");
        Field<NonNullGraphType<DateTimeOffsetGraphType>>("expiresAt").Resolve(ctx => ctx.Source.ExpiresAt);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<MediaLinkPartType>>>>("parts").Resolve(ctx => ctx.Source.Parts);
    }
}

public sealed class MediaLinkPartType : ObjectGraphType<MediaLinkPart>
{
    public MediaLinkPartType()
    {
        Name = "MediaLinkPart";
        Description = "One stored part of a recording: played one after the other they make the recording.";
        Field(x => x.Index);
        Field(x => x.Url);
        Field<NonNullGraphType<LongGraphType>>("offsetMs").Resolve(ctx => ctx.Source.OffsetMs);
        Field<NonNullGraphType<LongGraphType>>("durationMs").Resolve(ctx => ctx.Source.DurationMs);
    }
}
