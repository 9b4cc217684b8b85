using Sparkle.Sip.Messages;

namespace Sparkle.Sip.Dialogs;

public sealed partial class SipUserAgent
{
    /// <summary>How many times a re-INVITE is sent in all when the peer (or our own pending INVITE) answers 491.</summary>
    public const int ReInviteAttempts = 3;

    /// <summary>Sends a re-INVITE with this SDP offer in an existing call (RFC 3261 §14.1) and returns its final response.
    /// The request is built by the dialog (§12.2.1.1: next local CSeq, route set, remote target); the core ACKs the 2xx and
    /// its retransmissions. On 491 (the peer's re-INVITE crossed ours, or an INVITE transaction of either side is still
    /// pending here) it waits the §14.1 back-off and sends it again, <see cref="ReInviteAttempts"/> times in all. A 2xx makes
    /// the offer the dialog's <see cref="SipDialog.LocalSdp"/> and refreshes the session timer (RFC 4028); 481 or 408 ends
    /// the dialog (§14.1) and tells the application (<see cref="DialogEndReason.PeerGone"/>); any other failure leaves the
    /// session as it was.</summary>
    public async Task<SipResponse> ReInviteAsync(SipDialog dialog, string sdp, SipCredentials? credentials = null)
    {
        for (var attempt = 1; ; attempt++)
        {
            var invite = dialog.CreateRequest(SipMethods.Invite);
            if (dialog.State == DialogState.Terminated)
            {
                return invite.CreateResponse(481, "Call/Transaction Does Not Exist");
            }
            invite.Headers.Add(HeaderNames.Allow, string.Join(", ", Options.Allow));
            invite.Headers.Add(HeaderNames.Supported, string.Join(", ", Options.Supported));
            AddSessionExpires(dialog, invite);
            invite.Headers.Add(HeaderNames.ContentType, "application/sdp");
            invite.BodyText = sdp;

            var response = await Invite(invite, dialog.Peer, credentials, dialog).FinalResponse.ConfigureAwait(false);
            if (response.StatusCode == 491 && attempt < ReInviteAttempts && dialog.State != DialogState.Terminated)
            {
                await Task.Delay(GlareBackOff(dialog), _layer.Time).ConfigureAwait(false);
                continue;
            }
            if (response.IsSuccess)
            {
                dialog.LocalSdp = sdp;
                RestartSessionTimer(dialog, response);
            }
            else if (response.StatusCode == 481)
            {
                EndDialog(dialog, DialogEndReason.PeerGone);
            }
            else if (response.StatusCode == 408)
            {
                _ = SendByeAsync(dialog, DialogEndReason.PeerGone);
            }
            return response;
        }
    }

    /// <summary>§14.1: the owner of the Call-ID (the UAC of the dialog) waits 2.1 to 4 s, the other side 0 to 2 s (here at
    /// least 10 ms), in units of 10 ms, so that the two re-INVITEs do not cross again.</summary>
    private static TimeSpan GlareBackOff(SipDialog dialog)
    {
        var tens = dialog.IsUas ? Random.Shared.Next(1, 201) : Random.Shared.Next(210, 401);
        return TimeSpan.FromMilliseconds(tens * 10);
    }

    /// <summary>A re-INVITE is a session refresh (RFC 4028 §7.4): it carries the dialog's interval, and the same side
    /// keeps refreshing ("uac" when that is us, who send this request).</summary>
    private static void AddSessionExpires(SipDialog dialog, SipRequest request)
    {
        SessionTimer? timer;
        lock (dialog)
        {
            timer = dialog.SessionTimer;
        }
        if (timer is not null)
        {
            request.Headers.Add(HeaderNames.SessionExpires,
                $"{(int)timer.Interval.TotalSeconds};refresher={(timer.WeRefresh ? "uac" : "uas")}");
        }
    }

    /// <summary>RFC 4028 §7.2: the 2xx to our refresh says the interval and who refreshes; without Session-Expires there
    /// is no session timer any more.</summary>
    private void RestartSessionTimer(SipDialog dialog, SipResponse response)
    {
        var se = SessionTimer.Parse(response);
        lock (dialog)
        {
            if (dialog.State == DialogState.Terminated)
            {
                return;
            }
            dialog.SessionTimer?.Timer?.Dispose();
            dialog.SessionTimer = null;
        }
        if (se is { } value)
        {
            var weRefresh = value.Refresher != "uas";
            StartSessionTimer(dialog, new SessionTimer
            {
                Interval = TimeSpan.FromSeconds(value.Seconds),
                Refresher = weRefresh ? "uac" : "uas",
                WeRefresh = weRefresh,
            });
        }
    }
}
