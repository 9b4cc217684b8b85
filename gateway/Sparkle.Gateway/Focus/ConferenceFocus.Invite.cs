using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Sparkle.Gateway.Telemetry;
using Sparkle.Grains.Identity;
using Sparkle.Grains.Meetings;
using Sparkle.Grains.Plans;
using Sparkle.Sip.Dialogs;
using Sparkle.Sip.Messages;
using Sparkle.Sip.Transactions;
using Sparkle.Sip.Transport;

namespace Sparkle.Gateway.Focus;

public sealed partial class ConferenceFocus
{
    public async Task OnInviteAsync(IncomingInvite invite)
    {
        var request = invite.Request;
        // The root of the call's trace: the grain call (and the worker's leg allocation) become its children.
        using var activity = GatewayTelemetry.Source.StartActivity("sip.invite", ActivityKind.Server);
        activity?.SetTag("sip.call_id", request.CallId);
        GatewayTelemetry.Calls.Add(1);
        try
        {
            var tenant = await context.Tenants.FindAsync(TenantDirectory.DomainOf(request));
            if (tenant is null)
            {
                invite.Reject(404);
                return;
            }
            var transport = invite.Transaction.Local.Transport;
            if (tenant.Refuses(transport))
            {
                invite.Reject(403, "TLS Required");
                return;
            }
            var user = request.RequestUri.User;
            if (user == FactoryUser)
            {
                await CreateAdHocAsync(invite, tenant);
            }
            else if (user is null || await FindMeetingAsync(tenant, user) is not { } meetingId)
            {
                invite.Reject(404);
            }
            else
            {
                await JoinStoredAsync(invite, tenant, meetingId, user);
            }
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            _logger.LogWarning(ex, "INVITE {CallId} failed", request.CallId);
            invite.Reject(StatusFor(ex));
        }
    }

    /// <summary>RFC 4579 §5.4: an authenticated INVITE to the factory creates an ad-hoc conference owned by
    /// the caller, who joins it at once; a resource list in the body is dialled out.</summary>
    private async Task CreateAdHocAsync(IncomingInvite invite, TenantContext tenant)
    {
        var auth = await context.Authenticator.AuthenticateAsync(invite.Request, tenant);
        if (!auth.Ok)
        {
            invite.Reject(auth.Status, customize: auth.Challenge);
            return;
        }
        // The list is read and bounded before anything exists: an oversized one creates no meeting and dials nobody.
        IReadOnlyList<SipUri> listed = [];
        if (SessionDescription.Extract(invite.Request).ResourceList is { } list)
        {
            var read = SessionDescription.ReadList(list, context.MaxResourceListEntries, context.MaxResourceListDepth);
            if (read.Problem is ResourceListProblem.TooManyEntries or ResourceListProblem.TooDeep)
            {
                // RFC 3261 §21.4.11: more than the server is willing to process; the Warning says which limit.
                var why = read.Problem == ResourceListProblem.TooManyEntries
                    ? $"resource list has more than {context.MaxResourceListEntries} entries"
                    : $"resource list nests deeper than {context.MaxResourceListDepth} lists";
                _logger.LogInformation("Factory INVITE {CallId} from {Number} refused: {Reason}", invite.Request.CallId, auth.Number, why);
                invite.Reject(413, "Request Entity Too Large", r => r.Headers.Add(HeaderNames.Warning, $"399 sparkle \"{why}\""));
                return;
            }
            listed = read.Entries;
        }
        var caller = Caller.User(tenant.Id, auth.Number!);
        var meetingId = Guid.NewGuid();
        var meeting = context.Grains.GetGrain<IMeetingGrain>(meetingId);
        var snapshot = await meeting.CreateAsync(caller, new MeetingSpec($"Conference of {auth.Number}", [], AdHoc: true));
        var call = await JoinAsync(invite, tenant, meetingId, snapshot.ConferenceNumber, caller, auth.Number);
        if (call is not null)
        {
            foreach (var entry in listed)
            {
                if (entry.User is { } number)
                {
                    await DialListEntryAsync(meeting, caller, number, meetingId);
                }
            }
        }
    }

    private async Task DialListEntryAsync(IMeetingGrain meeting, Caller caller, string number, Guid meetingId)
    {
        try
        {
            await meeting.InviteAsync(caller, new PlannedParticipant(number));
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            _logger.LogInformation("Dial-out of {Number} for {MeetingId} refused: {Message}", number, meetingId, ex.Message);
        }
    }

    /// <summary>Joins a stored meeting by its number. A caller claiming a tenant user's number must prove it
    /// (401); anyone else joins as a guest, as a PSTN caller would.</summary>
    private async Task JoinStoredAsync(IncomingInvite invite, TenantContext tenant, Guid meetingId, string conferenceNumber)
    {
        var claimed = invite.Request.From?.Uri.User;
        Caller caller;
        string? number = null;
        if (await context.Authenticator.IsUserAsync(tenant, claimed))
        {
            var auth = await context.Authenticator.AuthenticateAsync(invite.Request, tenant);
            if (!auth.Ok)
            {
                invite.Reject(auth.Status, customize: auth.Challenge);
                return;
            }
            number = auth.Number;
            caller = Caller.User(tenant.Id, number!);
        }
        else
        {
            caller = Caller.System(tenant.Id);
        }
        await JoinAsync(invite, tenant, meetingId, conferenceNumber, caller, number);
    }

    private async Task<FocusCall?> JoinAsync(IncomingInvite invite, TenantContext tenant, Guid meetingId,
        string conferenceNumber, Caller caller, string? userNumber)
    {
        var request = invite.Request;
        var sdp = SessionDescription.Extract(request).Sdp;
        var transport = invite.Transaction.Local.Transport;
        var from = request.From!;
        var meeting = context.Grains.GetGrain<IMeetingGrain>(meetingId);
        var result = await meeting.JoinAsync(caller, new JoinRequest(
            request.CallId!, from.Uri.ToAor(), from.DisplayName, userNumber, sdp, SecurityOf(transport, sdp), context.GatewayId));
        if (!result.Accepted)
        {
            var (status, reason) = result.Refusal switch
            {
                JoinRefusal.NotFound or JoinRefusal.Ended => (404, "Not Found"),
                JoinRefusal.Locked => (403, "Conference Locked"),
                JoinRefusal.Forbidden => (403, "Forbidden"),
                JoinRefusal.NotAcceptable => (488, "Not Acceptable Here"),
                _ => (503, "Service Unavailable"),
            };
            invite.Reject(status, reason);
            return null;
        }

        var call = new FocusCall
        {
            Tenant = tenant,
            MeetingId = meetingId,
            ParticipantId = result.ParticipantId!,
            Caller = caller,
            ConferenceUri = $"sip:{conferenceNumber}@{tenant.Realm}",
        };
        // In the table before the 200 goes out: the meeting may hang up (a chair's remove) the moment
        // the caller sees it, and that hang-up must find the call.
        context.Calls.Add(call);
        var dialog = invite.Accept(context.Contact(conferenceNumber, transport, isFocus: true, invite.Request.RequestUri.IsSecure), result.LocalSdp,
            customize: r => r.Headers.Add(HeaderNames.AllowEvents, AllowEvents), applicationState: call, dialogCreated: d => call.Dialog = d);
        if (dialog is null)
        {
            // Cancelled while the meeting was placing the leg.
            context.Calls.Remove(call);
            await LeaveAsync(call, DisconnectionMethod.Departed);
            return null;
        }
        call.Dialog = dialog;
        GatewayTelemetry.Joins.Add(1);
        if (Volatile.Read(ref call.Left) != 0)
        {
            // The meeting hung up while the 200 was going out: finish its BYE now that the dialog exists.
            await context.Agent.HangUpAsync(dialog);
            return null;
        }
        return call;
    }

    /// <summary>Hold, resume or a new offer: the media worker answers through the meeting grain; no answer
    /// means 488 and the old session stays (RFC 3261 §14.2). An offerless re-INVITE gets our current SDP.</summary>
    public async Task OnReInviteAsync(IncomingInvite invite)
    {
        var dialog = invite.Dialog!;
        var contact = dialog.LocalContact ?? context.Contact("focus", invite.Transaction.Local.Transport, isFocus: true);
        if (dialog.ApplicationState is not FocusCall call)
        {
            invite.Reject(488);
            return;
        }
        var sdp = SessionDescription.Extract(invite.Request).Sdp;
        if (sdp is null)
        {
            invite.Accept(contact, dialog.LocalSdp);
            return;
        }
        try
        {
            var answer = await context.Grains.GetGrain<IMeetingGrain>(call.MeetingId)
                .RenegotiateAsync(Caller.System(call.Tenant.Id), call.ParticipantId, sdp);
            if (answer is null)
            {
                invite.Reject(488);
                return;
            }
            invite.Accept(contact, answer);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            _logger.LogWarning("re-INVITE of {ParticipantId} failed: {Message}", call.ParticipantId, ex.Message);
            invite.Reject(StatusFor(ex));
        }
    }

    /// <summary>RFC 3311: an UPDATE with an offer is renegotiated like a re-INVITE.</summary>
    private async Task HandleUpdateOfferAsync(ServerTransaction transaction, SipDialog dialog, FocusCall call)
    {
        var sdp = SessionDescription.Extract(transaction.Request).Sdp;
        var answer = sdp is null
            ? null
            : await context.Grains.GetGrain<IMeetingGrain>(call.MeetingId).RenegotiateAsync(Caller.System(call.Tenant.Id), call.ParticipantId, sdp);
        if (answer is null)
        {
            Respond(transaction, 488);
            return;
        }
        dialog.LocalSdp = answer;
        Respond(transaction, 200, r =>
        {
            r.Headers.Add(HeaderNames.ContentType, SessionDescription.Sdp);
            r.BodyText = answer;
        });
    }
}
