using System.Globalization;
using Microsoft.Extensions.Logging;
using Sparkle.Grains.Identity;
using Sparkle.Grains.Meetings;
using Sparkle.Grains.Plans;
using Sparkle.Sip.Dialogs;
using Sparkle.Sip.Messages;
using Sparkle.Sip.Transactions;

namespace Sparkle.Gateway.Focus;

/// <summary>REFER to the conference (RFC 4579 §5.5 add, §5.11 remove with method=BYE; RFC 3515): 202,
/// then message/sipfrag NOTIFYs with the progress of the focus's own INVITE or BYE.</summary>
public sealed class ReferHandler(FocusContext context)
{
    private static readonly TimeSpan s_addTimeout = TimeSpan.FromSeconds(64);
    private readonly ILogger _logger = context.Loggers.CreateLogger<ReferHandler>();

    public async Task HandleAsync(ServerTransaction transaction, SipDialog? dialog)
    {
        var request = transaction.Request;
        var referTo = request.Headers.GetValues(HeaderNames.ReferTo);
        if (referTo.Count != 1 || !NameAddress.TryParse(referTo[0], out var target) || target.Uri.User is null)
        {
            // RFC 3515 §2.4.1: exactly one Refer-To.
            ConferenceFocus.Respond(transaction, 400);
            return;
        }

        Guid meetingId;
        Caller caller;
        if (dialog is not null)
        {
            if (dialog.ApplicationState is not FocusCall call)
            {
                ConferenceFocus.Respond(transaction, 403);
                return;
            }
            meetingId = call.MeetingId;
            caller = call.Caller;
        }
        else
        {
            var found = await context.Tenants.FindAsync(TenantDirectory.DomainOf(request));
            var user = request.RequestUri.User;
            var id = found is null || user is null ? null : await context.Grains.GetGrain<ITenantCatalogGrain>(found.Id).FindMeetingAsync(user);
            if (found is null || id is null)
            {
                ConferenceFocus.Respond(transaction, 404);
                return;
            }
            var auth = await context.Authenticator.AuthenticateAsync(request, found);
            if (!auth.Ok)
            {
                ConferenceFocus.Respond(transaction, auth.Status, auth.Challenge);
                return;
            }
            meetingId = id.Value;
            caller = Caller.User(found.Id, auth.Number!);
        }
        if (caller.Kind != CallerKind.User)
        {
            // Guests do not control the conference.
            ConferenceFocus.Respond(transaction, 403);
            return;
        }

        var noSubscription = string.Equals(request.Headers.Get("Refer-Sub"), "false", StringComparison.OrdinalIgnoreCase);
        var notifyDialog = dialog;
        if (notifyDialog is null)
        {
            var contact = context.Contact(request.RequestUri.User!, transaction.Local.Transport, isFocus: true);
            notifyDialog = context.Agent.AcceptDialogRequest(transaction, 202, contact,
                r => AddReferSub(r, noSubscription));
        }
        else
        {
            ConferenceFocus.Respond(transaction, 202, r => AddReferSub(r, noSubscription));
        }
        var referId = request.CSeq!.Value.Number;
        var meeting = context.Grains.GetGrain<IMeetingGrain>(meetingId);
        var remove = string.Equals(target.Uri.Parameters["method"], SipMethods.Bye, StringComparison.OrdinalIgnoreCase);

        string final;
        try
        {
            if (!noSubscription)
            {
                await NotifyAsync(notifyDialog, referId, "SIP/2.0 100 Trying", terminated: false);
            }
            final = remove
                ? await RemoveAsync(meeting, caller, target.Uri)
                : await AddAsync(meeting, caller, target);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            var status = ConferenceFocus.StatusFor(ex);
            _logger.LogInformation("REFER in {MeetingId} refused: {Message}", meetingId, ex.Message);
            final = $"SIP/2.0 {status} {SipStatus.Reason(status)}";
        }
        if (!noSubscription)
        {
            await NotifyAsync(notifyDialog, referId, final, terminated: true);
        }
        if (dialog is null)
        {
            context.Agent.ForgetDialog(notifyDialog);
        }
    }

    /// <summary>§5.11: the focus ends the named participant's session; chair rights are the grain's check.</summary>
    private static async Task<string> RemoveAsync(IMeetingGrain meeting, Caller caller, SipUri target)
    {
        var snapshot = await meeting.GetAsync(caller);
        var aor = new SipUri(target.Scheme, target.User, target.Host).ToAor();
        var participant = snapshot?.Participants.FirstOrDefault(p => p.State != CallState.Disconnected
            && (p.UserNumber == target.User || (SipUri.TryParse(p.Uri, out var u) && u.ToAor() == aor)));
        if (participant is null)
        {
            return "SIP/2.0 404 Not Found";
        }
        await meeting.RemoveAsync(caller, participant.ParticipantId);
        return "SIP/2.0 200 OK";
    }

    /// <summary>§5.5: the meeting dials the person; the final sipfrag mirrors how that call ended up.</summary>
    private static async Task<string> AddAsync(IMeetingGrain meeting, Caller caller, NameAddress target)
    {
        var participantId = await meeting.InviteAsync(caller, new PlannedParticipant(target.Uri.User!, target.DisplayName));
        var deadline = DateTimeOffset.UtcNow + s_addTimeout;
        while (DateTimeOffset.UtcNow < deadline)
        {
            var snapshot = await meeting.GetAsync(caller);
            var participant = snapshot?.Participants.FirstOrDefault(p => p.ParticipantId == participantId);
            switch (participant?.State)
            {
                case null:
                    return "SIP/2.0 404 Not Found";
                case CallState.Connected or CallState.OnHold:
                    return "SIP/2.0 200 OK";
                case CallState.Disconnected:
                    return participant.DisconnectionMethod == DisconnectionMethod.Busy
                        ? "SIP/2.0 486 Busy Here"
                        : "SIP/2.0 480 Temporarily Unavailable";
            }
            await Task.Delay(250);
        }
        return "SIP/2.0 408 Request Timeout";
    }

    private async Task NotifyAsync(SipDialog dialog, uint referId, string statusLine, bool terminated)
    {
        var notify = dialog.CreateRequest(SipMethods.Notify);
        notify.Headers.Add(HeaderNames.Event, "refer;id=" + referId.ToString(CultureInfo.InvariantCulture));
        notify.Headers.Add(HeaderNames.SubscriptionState, terminated ? "terminated;reason=noresource" : "active;expires=60");
        notify.Headers.Add(HeaderNames.ContentType, "message/sipfrag;version=2.0");
        notify.BodyText = statusLine + "\r\n";
        try
        {
            await context.Agent.SendInDialogAsync(dialog, notify);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            _logger.LogInformation("REFER NOTIFY failed: {Message}", ex.Message);
        }
    }

    private static void AddReferSub(SipResponse response, bool noSubscription)
    {
        if (noSubscription)
        {
            response.Headers.Add("Refer-Sub", "false");
        }
    }
}
