using Sparkle.Grains.Identity;

namespace Sparkle.Grains.Gateway;

/// <summary>The control interface of a SIP gateway process, for meeting grains: third-party call
/// control towards participants (dial out, hang up, move a call onto new media).</summary>
public interface ISipGateway : IGrainObserver
{
    /// <summary>Sends the INVITE and returns; progress comes back through IMeetingGrain.DialOutProgressAsync.</summary>
    Task DialOutAsync(DialOutRequest request);
    /// <summary>Ends a participant's dialog (BYE, or CANCEL while still ringing).</summary>
    Task HangUpAsync(Guid meetingId, string participantId);
    /// <summary>Sends a re-INVITE with this SDP offer in the participant's existing dialog (dial-in or dial-out) and returns
    /// the phone's answer SDP, or null when there is no such dialog, the phone refused (non-2xx) or did not answer in time
    /// (Timer B / 32 s at most; the caller needs an answer within a few seconds, so use the transaction's normal timers).</summary>
    Task<string?> ReinviteAsync(Guid meetingId, string participantId, string offerSdp);
}

/// <summary>Live gateways. Key: 0.</summary>
public interface IGatewayRegistryGrain : IGrainWithIntegerKey
{
    Task RegisterAsync(GatewayInfo info, ISipGateway gateway);
    /// <summary>Returns false when the registry does not know the gateway (it must register again).</summary>
    Task<bool> HeartbeatAsync(string gatewayId, int calls);
    /// <summary>Every registered gateway with its last heartbeat's figures, by id (the operator's fleet view); one silent
    /// for <c>DeadAfter</c> is dropped within a second.</summary>
    Task<IReadOnlyList<GatewayInfo>> ListAsync();
    Task UnregisterAsync(string gatewayId);
    /// <summary>The gateway with this id if alive, else any live gateway, else null.</summary>
    Task<ISipGateway?> PickAsync(string? preferredGatewayId);
}

/// <summary>REGISTER bindings of one user. Key: UserKey.For(tenant, number).</summary>
public interface IRegistrationGrain : IGrainWithStringKey
{
    /// <summary>Replaces the binding for ContactUri (expires 0 removes it); returns the live bindings.</summary>
    Task<IReadOnlyList<RegistrationBinding>> BindAsync(Caller caller, RegistrationBinding binding);
    Task<IReadOnlyList<RegistrationBinding>> RemoveAllAsync(Caller caller);
    Task<IReadOnlyList<RegistrationBinding>> GetBindingsAsync(Caller caller);
}
