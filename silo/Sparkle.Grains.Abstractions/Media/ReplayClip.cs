using Sparkle.Grains.Recordings;

namespace Sparkle.Grains.Media;

/// <summary>What a worker plays privately into one leg (<see cref="IMediaWorker.PlayIntoLegAsync"/>): stored
/// utterances of one tenant, played one after another in list order.</summary>
[GenerateSerializer, Immutable]
public sealed record ReplayClip(
    [property: Id(0)] Guid TenantId,
    [property: Id(1)] IReadOnlyList<ReplaySegment> Segments);

/// <summary>One sealed Ogg Opus utterance: where it is stored, its exact sealed length and its data key wrapped by
/// the tenant's key (the worker unwraps it through <c>ITenantKeyGrain</c>).</summary>
[GenerateSerializer, Immutable]
public sealed record ReplaySegment(
    [property: Id(0)] Guid UtteranceId,
    [property: Id(1)] string BlobName,
    [property: Id(2)] long SealedBytes,
    [property: Id(3)] WrappedKey Key);
