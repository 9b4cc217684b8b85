using System.Globalization;
using Microsoft.Extensions.Logging;
using Sparkle.Gateway.Focus;
using Sparkle.Grains.Gateway;
using Sparkle.Grains.Identity;
using Sparkle.Grains.Tenants;
using Sparkle.Sip.Messages;
using Sparkle.Sip.Transactions;

namespace Sparkle.Gateway.Registrar;

/// <summary>RFC 3261 §10 registrar: binds an authenticated user's short number to contacts with expiry,
/// so dial-out can reach registered extensions. Bindings live in the registration grain.</summary>
public sealed class SipRegistrar(FocusContext context)
{
    public const int DefaultExpires = 3600;
    public const int MinExpires = 60;
    public const int MaxExpires = 86400;

    private readonly ILogger _logger = context.Loggers.CreateLogger<SipRegistrar>();

    public async Task HandleAsync(ServerTransaction transaction, TenantContext tenant)
    {
        var request = transaction.Request;
        if (tenant.Refuses(transaction.Local.Transport))
        {
            Respond(transaction, 403, r => r.Headers.Add(HeaderNames.Warning, "399 sparkle \"TLS required\""));
            return;
        }
        var auth = await context.Authenticator.AuthenticateAsync(request, tenant);
        if (!auth.Ok)
        {
            Respond(transaction, auth.Status, auth.Challenge);
            return;
        }
        var number = auth.Number!;
        if (!string.Equals(request.To?.Uri.User, number, StringComparison.Ordinal))
        {
            // Users register their own address of record only.
            Respond(transaction, 403);
            return;
        }

        var grain = context.Grains.GetGrain<IRegistrationGrain>(UserKey.For(tenant.Id, number));
        // Bindings are written by the gateway (a system caller) once it has authenticated the user.
        var caller = Caller.System(tenant.Id);
        var contacts = request.Headers.GetValues(HeaderNames.Contact);
        var headerExpires = ParseExpires(request.Headers.Get(HeaderNames.Expires));
        IReadOnlyList<RegistrationBinding> bindings;

        if (contacts.Count == 1 && contacts[0] == "*")
        {
            if (headerExpires != 0)
            {
                Respond(transaction, 400);
                return;
            }
            bindings = await grain.RemoveAllAsync(caller);
        }
        else if (contacts.Count == 0)
        {
            bindings = await grain.GetBindingsAsync(caller);
        }
        else
        {
            bindings = [];
            foreach (var text in contacts)
            {
                if (!NameAddress.TryParse(text, out var contact))
                {
                    Respond(transaction, 400);
                    return;
                }
                var expires = ParseExpires(contact.Parameters["expires"]) ?? headerExpires ?? DefaultExpires;
                if (expires is > 0 and < MinExpires)
                {
                    Respond(transaction, 423, r => r.Headers.Add(HeaderNames.MinExpires, MinExpires.ToString(CultureInfo.InvariantCulture)));
                    return;
                }
                expires = Math.Min(expires, MaxExpires);
                var instance = contact.Parameters["+sip.instance"];
                bindings = await grain.BindAsync(caller, new RegistrationBinding(
                    contact.Uri.ToString(), DateTimeOffset.UtcNow.AddSeconds(expires), context.GatewayId,
                    transaction.Peer.ToString(), instance is null ? null : HeaderValues.Unquote(instance)));
            }
            _logger.LogDebug("{Number}@{Domain} registered from {Source}", number, tenant.Domain, transaction.Peer);
        }

        // A phone registered over TCP/TLS is reached through this very connection: keep it open (idle timeout
        // aside) until this flow's latest binding expires, plus a margin for the re-REGISTER to arrive.
        var flow = transaction.Peer.ToString();
        var flowBindings = bindings.Where(b => b.Source == flow).ToList();
        context.Transport.HoldFlow(transaction.Peer, flowBindings.Count == 0
            ? TimeSpan.Zero
            : flowBindings.Max(b => b.Expires) - DateTimeOffset.UtcNow + TimeSpan.FromSeconds(30));

        Respond(transaction, 200, response =>
        {
            var now = DateTimeOffset.UtcNow;
            foreach (var binding in bindings)
            {
                var left = Math.Max(0, (int)(binding.Expires - now).TotalSeconds);
                response.Headers.Add(HeaderNames.Contact, $"<{binding.ContactUri}>;expires={left}");
            }
            response.Headers.Add("Date", now.ToString("r", CultureInfo.InvariantCulture));
        });
    }

    private static int? ParseExpires(string? text) =>
        int.TryParse(text?.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v : null;

    private static void Respond(ServerTransaction transaction, int status, Action<SipResponse>? customize = null)
    {
        var response = transaction.Request.CreateResponse(status, toTag: transaction.Request.ToTag is null ? Sparkle.Sip.Dialogs.SipUserAgent.NewTag() : null);
        customize?.Invoke(response);
        transaction.Respond(response);
    }
}
