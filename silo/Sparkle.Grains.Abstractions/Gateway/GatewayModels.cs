namespace Sparkle.Grains.Gateway;

/// <summary>The meeting asks a gateway to call someone. LocalSdp is the media worker's offer.</summary>
[GenerateSerializer, Immutable]
public sealed record DialOutRequest(
    [property: Id(0)] Guid TenantId,
    [property: Id(1)] Guid MeetingId,
    [property: Id(2)] string ParticipantId,
    /// <summary>What to dial: a short number (registered extension) or an external number (trunk).</summary>
    [property: Id(3)] string Number,
    [property: Id(4)] string? DisplayName,
    /// <summary>The conference URI, sent as the From/Contact with ;isfocus.</summary>
    [property: Id(5)] string ConferenceUri,
    [property: Id(6)] string LocalSdp);

[GenerateSerializer, Immutable]
public sealed record RegistrationBinding(
    [property: Id(0)] string ContactUri,
    [property: Id(1)] DateTimeOffset Expires,
    /// <summary>The gateway that holds the flow (connection) to this contact.</summary>
    [property: Id(2)] string GatewayId,
    /// <summary>Where the REGISTER came from (transport:address:port), for NATed clients.</summary>
    [property: Id(3)] string Source,
    [property: Id(4)] string? InstanceId);

/// <summary>A SIP gateway as the registry knows it: what it registered with and its last heartbeat.</summary>
[GenerateSerializer, Immutable]
public sealed record GatewayInfo(
    [property: Id(0)] string GatewayId,
    /// <summary>Where SIP reaches it (its advertised host or bind address).</summary>
    [property: Id(1)] string Address,
    /// <summary>The gateway's build (its assembly's informational version).</summary>
    [property: Id(2)] string Version,
    /// <summary>Calls (focus dialogs, dialled in or out) it holds now.</summary>
    [property: Id(3)] int Calls,
    [property: Id(4)] DateTimeOffset LastSeen);
