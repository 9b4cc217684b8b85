using Microsoft.Extensions.Logging;
using Sparkle.Sip.Messages;

namespace Sparkle.Sip.Dialogs;

public sealed partial class SipUserAgent
{
    /// <summary>Probes each confirmed call with an in-dialog OPTIONS once it has run for the keep-alive period,
    /// and again every period after. A phone that vanished without BYE answers 481 (it forgot the dialog) or
    /// nothing (408): the call ends, so nothing leaks.</summary>
    private void ProbeDialogs()
    {
        var now = _layer.Time.GetUtcNow();
        foreach (var dialog in _dialogs.Values)
        {
            if (dialog.IsInviteDialog && dialog.State == DialogState.Confirmed && now >= dialog.KeepAliveDue)
            {
                dialog.KeepAliveDue = NextKeepAlive();
                _ = ProbeAsync(dialog);
            }
        }
    }

    private DateTimeOffset NextKeepAlive() =>
        Options.DialogKeepAlive is { } every ? _layer.Time.GetUtcNow() + every : DateTimeOffset.MaxValue;

    private async Task ProbeAsync(SipDialog dialog)
    {
        try
        {
            var response = await _layer.SendRequest(dialog.CreateRequest(SipMethods.Options), dialog.Peer).FinalResponse.ConfigureAwait(false);
            if (response.StatusCode is 408 or 481 && dialog.State != DialogState.Terminated)
            {
                await SendByeAsync(dialog, DialogEndReason.PeerGone).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            _logger.LogDebug(ex, "Keep-alive of {DialogId} failed", dialog.Id);
        }
    }
}
