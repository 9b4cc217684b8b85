using Microsoft.Extensions.Logging;
using Sparkle.Gateway.Focus;
using Sparkle.Grains.Gateway;
using Sparkle.Grains.Identity;
using Sparkle.Grains.Meetings;
using Sparkle.Grains.Tenants;
using Sparkle.Sip.Dialogs;
using Sparkle.Sip.Messages;
using Sparkle.Sip.Transport;

namespace Sparkle.Gateway.DialOut;

/// <summary>This gateway as the meeting grains see it (<see cref="ISipGateway"/>): third-party call control
/// towards participants (dial out, hang up, re-INVITE). Dial-outs go to a registered extension's binding, or through the tenant's trunk.</summary>
public sealed class GatewayEndpoint(FocusContext context) : ISipGateway
{
    private readonly ILogger _logger = context.Loggers.CreateLogger<GatewayEndpoint>();

    public Task DialOutAsync(DialOutRequest request)
    {
        // Return at once: progress goes back through DialOutProgressAsync.
        _ = Task.Run(() => DialAsync(request));
        return Task.CompletedTask;
    }

    public Task HangUpAsync(Guid meetingId, string participantId)
    {
        var call = context.Calls.Find(meetingId, participantId);
        if (call is null || Interlocked.Exchange(ref call.Left, 1) != 0)
        {
            return Task.CompletedTask;
        }
        context.Calls.Remove(call);
        if (call.Dialog is { } dialog)
        {
            // Return once the BYE is on its way, not when it is answered: Orleans runs the calls to this
            // observer one at a time, so waiting for the peer's 200 (up to 32 s from a dead phone) would hold up
            // every other meeting's dial-outs and hang-ups on this gateway, and a meeting's end would send its
            // BYEs one round trip at a time.
            _ = ByeAsync(dialog, meetingId, participantId);
        }
        else if (call.Outgoing is { } outgoing)
        {
            context.Agent.Cancel(outgoing);
        }
        return Task.CompletedTask;
    }

    /// <summary>Moves a participant's call onto new media: a re-INVITE with the worker's offer in the call's dialog, whichever
    /// side created it (RFC 3261 §14.1). Glare and the 491 back-off, the ACK, the session timer and the dialog's current
    /// SDP are the UA core's (<see cref="SipUserAgent.ReInviteAsync"/>); a refusal leaves the call on its old media.</summary>
    public async Task<string?> ReinviteAsync(Guid meetingId, string participantId, string offerSdp)
    {
        var call = context.Calls.Find(meetingId, participantId);
        if (call?.Dialog is not { } dialog || dialog.State != DialogState.Confirmed || Volatile.Read(ref call.Left) != 0)
        {
            return null;
        }
        try
        {
            var response = await context.Agent.ReInviteAsync(dialog, offerSdp, call.Credentials);
            if (!response.IsSuccess)
            {
                _logger.LogInformation("re-INVITE of {ParticipantId} in {MeetingId} refused: {Status}", participantId, meetingId, response.StatusCode);
                return null;
            }
            return SessionDescription.Extract(response).Sdp;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            _logger.LogWarning("re-INVITE of {ParticipantId} in {MeetingId} failed: {Message}", participantId, meetingId, ex.Message);
            return null;
        }
    }

    private async Task ByeAsync(SipDialog dialog, Guid meetingId, string participantId)
    {
        try
        {
            await context.Agent.HangUpAsync(dialog);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            _logger.LogInformation("BYE to {ParticipantId} of {MeetingId} failed: {Message}", participantId, meetingId, ex.Message);
        }
    }

    private async Task DialAsync(DialOutRequest request)
    {
        var system = Caller.System(request.TenantId);
        var meeting = context.Grains.GetGrain<IMeetingGrain>(request.MeetingId);
        try
        {
            var tenant = await context.Tenants.GetAsync(request.TenantId);
            var route = await RouteAsync(tenant, request.Number);
            if (route is null)
            {
                await meeting.DialOutProgressAsync(system, request.ParticipantId, 404, null);
                return;
            }
            var (requestUri, destination, credentials) = route.Value;
            var conference = SipUri.Parse(request.ConferenceUri);
            var from = new NameAddress(conference.Clone(), "Conference");
            var to = new NameAddress(new SipUri("sip", request.Number, requestUri.Host), request.DisplayName);
            var contact = context.Contact(conference.User ?? "conference", destination.Transport, isFocus: true);
            var invite = SipUserAgent.CreateRequest(SipMethods.Invite, requestUri, from, to, contact);
            invite.Headers.Add(HeaderNames.Allow, string.Join(", ", context.Agent.Options.Allow));
            invite.Headers.Add(HeaderNames.Supported, "timer");
            invite.Headers.Add(HeaderNames.AllowEvents, ConferenceFocus.AllowEvents);
            invite.Headers.Add(HeaderNames.ContentType, SessionDescription.Sdp);
            invite.BodyText = request.LocalSdp;

            var call = new FocusCall
            {
                Tenant = tenant,
                MeetingId = request.MeetingId,
                ParticipantId = request.ParticipantId,
                Caller = system,
                ConferenceUri = request.ConferenceUri,
                DialedOut = true,
                Credentials = credentials,
            };
            context.Calls.Add(call);
            var outgoing = context.Agent.Invite(invite, destination, credentials, applicationState: call);
            call.Outgoing = outgoing;
            outgoing.Provisional += response =>
            {
                if (response.StatusCode is >= 180 and < 200)
                {
                    _ = ReportAsync(meeting, system, request.ParticipantId, response.StatusCode, null);
                }
            };

            var final = await outgoing.FinalResponse;
            if (final.IsSuccess && outgoing.Dialog is { } dialog)
            {
                call.Dialog = dialog;
                if (Volatile.Read(ref call.Left) != 0)
                {
                    // Hung up while it was ringing and the answer crossed our CANCEL.
                    await context.Agent.HangUpAsync(dialog);
                    return;
                }
                await ReportAsync(meeting, system, request.ParticipantId, final.StatusCode, SessionDescription.Extract(final).Sdp);
                return;
            }
            context.Calls.Remove(call);
            if (Volatile.Read(ref call.Left) == 0)
            {
                await ReportAsync(meeting, system, request.ParticipantId, final.StatusCode, null);
            }
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            _logger.LogWarning(ex, "Dial-out of {Number} for {MeetingId} failed", request.Number, request.MeetingId);
            await ReportAsync(meeting, system, request.ParticipantId, 503, null);
        }
    }

    /// <summary>A registered extension (the freshest binding, through the flow it registered on when that is
    /// ours), else the tenant's trunk, else nowhere.</summary>
    private async Task<(SipUri RequestUri, SipEndPoint Destination, SipCredentials? Credentials)?> RouteAsync(TenantContext tenant, string number)
    {
        var bindings = await context.Grains.GetGrain<IRegistrationGrain>(UserKey.For(tenant.Id, number))
            .GetBindingsAsync(Caller.System(tenant.Id));
        var binding = bindings.Where(b => b.Expires > DateTimeOffset.UtcNow)
            .OrderByDescending(b => b.GatewayId == context.GatewayId)
            .ThenByDescending(b => b.Expires)
            .FirstOrDefault();
        if (binding is not null && SipUri.TryParse(binding.ContactUri, out var contactUri))
        {
            // A TCP/TLS registration's connection is the way back to the phone (RFC 5626 flow reuse); over
            // UDP the Contact says where the phone listens.
            var destination = binding.GatewayId == context.GatewayId && SipEndPoint.TryParse(binding.Source, out var source)
                              && source.Value.Transport != SipTransportKind.Udp && context.Transport.HasConnection(source.Value)
                ? source.Value
                : await SipResolver.ResolveAsync(contactUri);
            return (contactUri, destination, null);
        }
        if (tenant.Policies.Trunk is { } trunk)
        {
            var proxyText = trunk.OutboundProxy.Contains(':', StringComparison.Ordinal) && trunk.OutboundProxy.StartsWith("sip", StringComparison.OrdinalIgnoreCase)
                ? trunk.OutboundProxy
                : "sip:" + trunk.OutboundProxy;
            if (!SipUri.TryParse(proxyText, out var proxy))
            {
                return null;
            }
            var destination = await SipResolver.ResolveAsync(proxy);
            var credentials = trunk.Username is { Length: > 0 } user ? new SipCredentials(user, trunk.Password ?? "") : null;
            return (new SipUri("sip", number, trunk.Domain), destination, credentials);
        }
        return null;
    }

    private async Task ReportAsync(IMeetingGrain meeting, Caller system, string participantId, int status, string? sdp)
    {
        try
        {
            await meeting.DialOutProgressAsync(system, participantId, status, sdp);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            _logger.LogInformation("Progress {Status} for {ParticipantId} not delivered: {Message}", status, participantId, ex.Message);
        }
    }
}
