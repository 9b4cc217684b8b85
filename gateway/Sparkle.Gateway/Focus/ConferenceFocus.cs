using Microsoft.Extensions.Logging;
using Sparkle.Gateway.Conference;
using Sparkle.Gateway.Registrar;
using Sparkle.Grains.Identity;
using Sparkle.Grains.Meetings;
using Sparkle.Sip.Dialogs;
using Sparkle.Sip.Messages;
using Sparkle.Sip.Transactions;
using Sparkle.Sip.Transport;

namespace Sparkle.Gateway.Focus;

/// <summary>The RFC 4579 conference focus on top of the UA core: the factory URI creates ad-hoc meetings,
/// conference numbers join stored ones, and every decision is the meeting grain's.</summary>
public sealed partial class ConferenceFocus(FocusContext context, SipRegistrar registrar, ConferenceNotifier notifier, ReferHandler refer)
    : ISipApplication
{
    public const string FactoryUser = "factory";
    public const string AllowEvents = "conference, refer";

    private readonly ILogger _logger = context.Loggers.CreateLogger<ConferenceFocus>();

    public async Task OnRequestAsync(ServerTransaction transaction, SipDialog? dialog)
    {
        var request = transaction.Request;
        try
        {
            switch (request.Method)
            {
                case SipMethods.Register when dialog is null:
                    if (await FindTenantAsync(transaction) is { } tenant)
                    {
                        await registrar.HandleAsync(transaction, tenant);
                    }
                    return;
                case SipMethods.Options:
                    await HandleOptionsAsync(transaction);
                    return;
                case SipMethods.Subscribe:
                    await notifier.HandleSubscribeAsync(transaction, dialog);
                    return;
                case SipMethods.Refer:
                    await refer.HandleAsync(transaction, dialog);
                    return;
                case SipMethods.Update when dialog?.ApplicationState is FocusCall call:
                    await HandleUpdateOfferAsync(transaction, dialog, call);
                    return;
                case SipMethods.Info when dialog?.ApplicationState is FocusCall call:
                    await HandleInfoAsync(transaction, call);
                    return;
                case SipMethods.Notify or SipMethods.Info:
                    // The focus subscribes to nothing: a NOTIFY outside our dialogs matches nothing.
                    Respond(transaction, dialog is null ? 481 : 200);
                    return;
                default:
                    Respond(transaction, 405, r => r.Headers.Add(HeaderNames.Allow, string.Join(", ", context.Agent.Options.Allow)));
                    return;
            }
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            _logger.LogWarning(ex, "{Method} failed", request.Method);
            if (!transaction.HasFinalResponse)
            {
                Respond(transaction, StatusFor(ex));
            }
        }
    }

    /// <summary>RFC 4579 §5.13 / RFC 3261 §11: capabilities, with the isfocus Contact for the factory
    /// and conferences, and the conference event package.</summary>
    private async Task HandleOptionsAsync(ServerTransaction transaction)
    {
        var request = transaction.Request;
        var user = request.RequestUri.User;
        var isFocus = false;
        if (user is not null && await context.Tenants.FindAsync(TenantDirectory.DomainOf(request)) is { } tenant)
        {
            isFocus = user == FactoryUser || await FindMeetingAsync(tenant, user) is not null;
        }
        Respond(transaction, 200, r =>
        {
            r.Headers.Add(HeaderNames.Allow, string.Join(", ", context.Agent.Options.Allow));
            r.Headers.Add(HeaderNames.AllowEvents, AllowEvents);
            r.Headers.Add(HeaderNames.Accept, "application/sdp, application/conference-info+xml, message/sipfrag, " + InfoBody.Accepted);
            r.Headers.Add(HeaderNames.Supported, string.Join(", ", context.Agent.Options.Supported));
            if (isFocus)
            {
                r.Headers.Add(HeaderNames.Contact, context.Contact(user!, transaction.Local.Transport, isFocus: true).ToString());
            }
        });
    }

    /// <summary>Legacy INFO in a participant's call: digits go to the meeting as DTMF would (PIN entry
    /// included), picture_fast_update asks the worker for a key frame. The grain is asked before the 200,
    /// so digits sent one INFO after another keep their order.</summary>
    private async Task HandleInfoAsync(ServerTransaction transaction, FocusCall call)
    {
        var body = InfoBody.Parse(transaction.Request);
        var system = Caller.System(call.Tenant.Id);
        switch (body.Kind)
        {
            case InfoBodyKind.Digits:
                await Meeting(call).SignalledDigitsAsync(system, call.ParticipantId, body.Digits!);
                break;
            case InfoBodyKind.PictureFastUpdate:
                await Meeting(call).RequestKeyFrameAsync(system, call.ParticipantId);
                break;
            case InfoBodyKind.Malformed:
                Respond(transaction, 400, r => r.Headers.Add(HeaderNames.Warning, "399 sparkle \"unreadable INFO body\""));
                return;
            case InfoBodyKind.Unsupported:
                Respond(transaction, 415, r => r.Headers.Add(HeaderNames.Accept, InfoBody.Accepted));
                return;
        }
        Respond(transaction, 200);
    }

    public Task OnAckAsync(SipDialog dialog, SipRequest ack)
    {
        // The answer to an offerless INVITE arrives in the ACK (RFC 3264 §4).
        if (dialog.ApplicationState is FocusCall call && ack.Body.Length > 0 && SessionDescription.Extract(ack).Sdp is { } sdp)
        {
            return Meeting(call).CompleteJoinAsync(Caller.System(call.Tenant.Id), call.ParticipantId, sdp);
        }
        return Task.CompletedTask;
    }

    public Task OnCancelledAsync(IncomingInvite invite) => Task.CompletedTask;

    public async Task OnDialogEndedAsync(SipDialog dialog, DialogEndReason reason)
    {
        switch (dialog.ApplicationState)
        {
            case FocusCall call:
                await LeaveAsync(call, reason == DialogEndReason.RemoteBye ? DisconnectionMethod.Departed : DisconnectionMethod.Failed);
                break;
            case ConferenceSubscription subscription:
                notifier.Remove(subscription);
                break;
        }
    }

    /// <summary>Tells the meeting a participant's call ended, once.</summary>
    internal async Task LeaveAsync(FocusCall call, DisconnectionMethod method)
    {
        if (Interlocked.Exchange(ref call.Left, 1) != 0)
        {
            return;
        }
        context.Calls.Remove(call);
        try
        {
            await Meeting(call).LeaveAsync(call.Caller.Kind == CallerKind.User ? call.Caller : Caller.System(call.Tenant.Id),
                call.ParticipantId, method);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            _logger.LogWarning("Leave of {ParticipantId} in {MeetingId} failed: {Message}", call.ParticipantId, call.MeetingId, ex.Message);
        }
    }

    private async Task<TenantContext?> FindTenantAsync(ServerTransaction transaction)
    {
        var tenant = await context.Tenants.FindAsync(TenantDirectory.DomainOf(transaction.Request));
        if (tenant is null)
        {
            Respond(transaction, 404, r => r.Headers.Add(HeaderNames.Warning, "399 sparkle \"unknown domain\""));
        }
        return tenant;
    }

    internal async Task<Guid?> FindMeetingAsync(TenantContext tenant, string conferenceUser) =>
        await context.Grains.GetGrain<Sparkle.Grains.Plans.ITenantCatalogGrain>(tenant.Id).FindMeetingAsync(conferenceUser);

    private IMeetingGrain Meeting(FocusCall call) => context.Grains.GetGrain<IMeetingGrain>(call.MeetingId);

    internal static int StatusFor(Exception ex) => ex switch
    {
        AccessDeniedException => 403,
        NotFoundException => 404,
        ValidationException => 400,
        TimeoutException => 504,
        _ => 500,
    };

    internal static void Respond(ServerTransaction transaction, int status, Action<SipResponse>? customize = null)
    {
        var response = transaction.Request.CreateResponse(status, toTag: transaction.Request.ToTag is null ? SipUserAgent.NewTag() : null);
        customize?.Invoke(response);
        transaction.Respond(response);
    }

    internal static LegSecurity SecurityOf(SipTransportKind transport, string? sdp) =>
        new(transport == SipTransportKind.Tls, SessionDescription.IsEncrypted(sdp));
}
