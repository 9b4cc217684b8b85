using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.Extensions.Logging;
using Sparkle.Gateway.Focus;
using Sparkle.Grains.Identity;
using Sparkle.Grains.Meetings;
using Sparkle.Sip.Messages;
using Sparkle.Sip.Transactions;

namespace Sparkle.Gateway.Conference;

/// <summary>The RFC 4575 notifier: SUBSCRIBE Event: conference gets 200, then a full document at once,
/// then partial ones fed by the meeting's events (the same stream as the GraphQL subscriptions).</summary>
public sealed class ConferenceNotifier(FocusContext context)
{
    public const int DefaultExpires = 3600;
    public const int MinExpires = 60;

    private readonly ConcurrentDictionary<Guid, MeetingWatcher> _watchers = new();
    private readonly SemaphoreSlim _watcherLock = new(1, 1);
    private readonly ILogger _logger = context.Loggers.CreateLogger<ConferenceNotifier>();

    public int SubscriptionCount => _watchers.Values.Sum(w => w.Count);

    public async Task HandleSubscribeAsync(ServerTransaction transaction, Sparkle.Sip.Dialogs.SipDialog? dialog)
    {
        var request = transaction.Request;
        var eventPackage = request.Headers.Get(HeaderNames.Event)?.Split(';')[0].Trim();
        if (!string.Equals(eventPackage, "conference", StringComparison.OrdinalIgnoreCase))
        {
            ConferenceFocus.Respond(transaction, 489, r => r.Headers.Add(HeaderNames.AllowEvents, ConferenceFocus.AllowEvents));
            return;
        }
        var accept = request.Headers.GetValues(HeaderNames.Accept);
        if (accept.Count > 0 && !accept.Any(a => a.StartsWith(ConferenceInfoDocument.ContentType, StringComparison.OrdinalIgnoreCase)))
        {
            ConferenceFocus.Respond(transaction, 406, r => r.Headers.Add(HeaderNames.Accept, ConferenceInfoDocument.ContentType));
            return;
        }
        var expires = int.TryParse(request.Headers.Get(HeaderNames.Expires), NumberStyles.None, CultureInfo.InvariantCulture, out var e)
            ? Math.Min(e, DefaultExpires)
            : DefaultExpires;
        if (expires is > 0 and < MinExpires)
        {
            ConferenceFocus.Respond(transaction, 423, r => r.Headers.Add(HeaderNames.MinExpires, MinExpires.ToString(CultureInfo.InvariantCulture)));
            return;
        }

        if (dialog is not null)
        {
            await RefreshAsync(transaction, dialog, expires);
            return;
        }

        var tenant = await context.Tenants.FindAsync(TenantDirectory.DomainOf(request));
        var user = request.RequestUri.User;
        var meetingId = tenant is null || user is null
            ? null
            : await context.Grains.GetGrain<Sparkle.Grains.Plans.ITenantCatalogGrain>(tenant.Id).FindMeetingAsync(user);
        if (tenant is null || meetingId is null)
        {
            ConferenceFocus.Respond(transaction, 404);
            return;
        }
        if (tenant.Refuses(transaction.Local.Transport))
        {
            ConferenceFocus.Respond(transaction, 403);
            return;
        }
        var auth = await context.Authenticator.AuthenticateAsync(request, tenant);
        if (!auth.Ok)
        {
            ConferenceFocus.Respond(transaction, auth.Status, auth.Challenge);
            return;
        }
        var meeting = context.Grains.GetGrain<IMeetingGrain>(meetingId.Value);
        MeetingSnapshot? snapshot;
        try
        {
            snapshot = await meeting.GetAsync(Caller.User(tenant.Id, auth.Number!));
        }
        catch (AccessDeniedException)
        {
            ConferenceFocus.Respond(transaction, 403);
            return;
        }
        if (snapshot is null || snapshot.Status == MeetingStatus.Ended)
        {
            ConferenceFocus.Respond(transaction, 404);
            return;
        }

        var contact = context.Contact(user!, transaction.Local.Transport, isFocus: true);
        var subscriptionDialog = context.Agent.AcceptDialogRequest(transaction, 200, contact,
            r => r.Headers.Add(HeaderNames.Expires, expires.ToString(CultureInfo.InvariantCulture)));
        var subscription = new ConferenceSubscription(context, subscriptionDialog, tenant, meetingId.Value,
            EntityOf(request.RequestUri), _logger)
        {
            Expires = DateTimeOffset.UtcNow.AddSeconds(expires),
        };
        subscriptionDialog.ApplicationState = subscription;
        subscription.Ended = Remove;
        if (expires == 0)
        {
            // A fetch (RFC 6665 §4.4.3): one full NOTIFY, then terminated.
            await subscription.SendFullAsync(snapshot);
            await subscription.TerminateAsync("timeout");
            return;
        }
        var watcher = await WatcherAsync(tenant.Id, meetingId.Value);
        watcher.Add(subscription);
        ArmExpiry(subscription, expires);
        // Fetch again after subscribing, so no event falls between the snapshot and the stream.
        snapshot = await meeting.GetAsync(Caller.System(tenant.Id)) ?? snapshot;
        await subscription.SendFullAsync(snapshot);
    }

    /// <summary>A refresh gets 200 and the full state again (RFC 4575 §4.3); Expires 0 ends it.</summary>
    private async Task RefreshAsync(ServerTransaction transaction, Sparkle.Sip.Dialogs.SipDialog dialog, int expires)
    {
        if (dialog.ApplicationState is not ConferenceSubscription subscription || subscription.Terminated)
        {
            ConferenceFocus.Respond(transaction, 481);
            return;
        }
        ConferenceFocus.Respond(transaction, 200, r => r.Headers.Add(HeaderNames.Expires, expires.ToString(CultureInfo.InvariantCulture)));
        if (expires == 0)
        {
            await subscription.TerminateAsync("timeout");
            Remove(subscription);
            return;
        }
        subscription.Expires = DateTimeOffset.UtcNow.AddSeconds(expires);
        ArmExpiry(subscription, expires);
        if (await context.Grains.GetGrain<IMeetingGrain>(subscription.MeetingId).GetAsync(Caller.System(subscription.Tenant.Id)) is { } snapshot)
        {
            await subscription.SendFullAsync(snapshot);
        }
    }

    /// <summary>The conference URI the documents describe (RFC 4575 §5.1 entity): the one the subscriber
    /// named in its Request-URI, without routing parameters. A subscriber that took the focus's Contact as the
    /// conference URI (RFC 4579; liblinphone does) gets documents about that URI, and ignores any other.</summary>
    internal static string EntityOf(SipUri requestUri) =>
        new SipUri(requestUri.Scheme, requestUri.User, requestUri.Host, requestUri.Port).ToString();

    public void Remove(ConferenceSubscription subscription)
    {
        subscription.ExpiryTimer?.Dispose();
        if (_watchers.TryGetValue(subscription.MeetingId, out var watcher))
        {
            watcher.Remove(subscription);
        }
    }

    private void ArmExpiry(ConferenceSubscription subscription, int seconds)
    {
        subscription.ExpiryTimer?.Dispose();
        subscription.ExpiryTimer = context.Agent.Transactions.Time.CreateTimer(_ => _ = ExpireAsync(subscription), null,
            TimeSpan.FromSeconds(seconds), Timeout.InfiniteTimeSpan);
    }

    private async Task ExpireAsync(ConferenceSubscription subscription)
    {
        await subscription.TerminateAsync("timeout");
        Remove(subscription);
    }

    private async Task<MeetingWatcher> WatcherAsync(Guid tenantId, Guid meetingId)
    {
        await _watcherLock.WaitAsync();
        try
        {
            if (_watchers.TryGetValue(meetingId, out var existing))
            {
                return existing;
            }
            var watcher = new MeetingWatcher(context.Grains, tenantId, meetingId, _logger, OnWatcherEmpty);
            await watcher.StartAsync();
            _watchers[meetingId] = watcher;
            return watcher;
        }
        finally
        {
            _watcherLock.Release();
        }
    }

    private void OnWatcherEmpty(MeetingWatcher watcher)
    {
        if (_watchers.TryRemove(new KeyValuePair<Guid, MeetingWatcher>(watcher.MeetingId, watcher)))
        {
            _ = watcher.StopAsync();
        }
    }
}
