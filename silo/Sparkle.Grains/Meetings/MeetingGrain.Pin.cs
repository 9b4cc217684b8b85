using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;

namespace Sparkle.Grains.Meetings;

/// <summary>PIN entry for PIN-protected meetings. A caller who is neither the owner nor on the
/// invitation list waits in a lobby (not heard, hearing nothing) until they key the PIN by DTMF
/// (RFC 4733 telephone-events, reported by the media worker) and end it with '#'; '*' starts over.
/// Three wrong PINs, or none within a minute, and the focus hangs up. Digits never leave the grain.</summary>
public sealed partial class MeetingGrain
{
    internal const int MaxPinAttempts = 3;
    internal const int MaxPinDigits = 16;
    internal static readonly TimeSpan PinTimeout = TimeSpan.FromSeconds(60);

    private readonly Dictionary<string, PinEntry> _pinEntries = new(StringComparer.Ordinal);
    private IGrainTimer? _pinTimer;

    private sealed class PinEntry(DateTimeOffset deadline)
    {
        public StringBuilder Digits { get; } = new(MaxPinDigits);
        public int Attempts { get; set; }
        public DateTimeOffset Deadline { get; } = deadline;
    }

    /// <summary>Everyone keys the PIN but the owner and the invited (planned or invited people have a
    /// number the meeting dials; someone who once dialled in, or was turned away, has none).</summary>
    private bool NeedsPin(ParticipantRecord record) =>
        !string.IsNullOrEmpty(S.Spec?.Pin) && record.DialNumber is null && record.UserNumber != S.OwnerNumber;

    private void OpenPinEntry(ParticipantRecord record)
    {
        _pinEntries[record.Id] = new PinEntry(DateTimeOffset.UtcNow + PinTimeout);
        _pinTimer ??= this.RegisterGrainTimer(ExpirePinEntriesAsync, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));
    }

    private async Task OnPinDigitAsync(ParticipantRecord record, string digits)
    {
        if (!_pinEntries.TryGetValue(record.Id, out var entry))
        {
            // The grain was reactivated while this caller waited: give them a fresh minute.
            OpenPinEntry(record);
            entry = _pinEntries[record.Id];
        }

        foreach (var digit in digits)
        {
            switch (digit)
            {
                case '*':
                    entry.Digits.Clear();
                    break;
                case '#':
                    if (await CheckPinAsync(record, entry))
                    {
                        return;
                    }

                    break;
                case >= '0' and <= '9' when entry.Digits.Length < MaxPinDigits:
                    entry.Digits.Append(digit);
                    break;
            }
        }
    }

    /// <summary>Checks the keyed digits; true when the caller left the lobby (admitted or sent away).</summary>
    private async Task<bool> CheckPinAsync(ParticipantRecord record, PinEntry entry)
    {
        var expected = Encoding.ASCII.GetBytes(S.Spec?.Pin ?? "");
        var keyed = Encoding.ASCII.GetBytes(entry.Digits.ToString());
        entry.Digits.Clear();
        if (CryptographicOperations.FixedTimeEquals(expected, keyed))
        {
            _pinEntries.Remove(record.Id);
            record.InLobby = false;
            logger.LogInformation("Meeting {MeetingId}: {ParticipantId} keyed the PIN", Id, record.Id);
            Emit(MeetingEventKind.ParticipantChanged, record);
            await PushControlAsync(record);
            await SaveAsync();
            return true;
        }

        entry.Attempts++;
        logger.LogInformation("Meeting {MeetingId}: wrong PIN from {ParticipantId} (attempt {Attempt})", Id, record.Id, entry.Attempts);
        if (entry.Attempts < MaxPinAttempts)
        {
            return false;
        }

        await TurnAwayAsync(record, "wrong PIN");
        return true;
    }

    private async Task ExpirePinEntriesAsync()
    {
        var now = DateTimeOffset.UtcNow;
        foreach (var (participantId, entry) in _pinEntries.ToList())
        {
            if (entry.Deadline <= now && Find(participantId) is { InLobby: true } record)
            {
                await TurnAwayAsync(record, "no PIN entered");
            }
            else if (entry.Deadline <= now)
            {
                _pinEntries.Remove(participantId);
            }
        }

        if (_pinEntries.Count == 0)
        {
            _pinTimer?.Dispose();
            _pinTimer = null;
        }
    }

    private async Task TurnAwayAsync(ParticipantRecord record, string reason)
    {
        _pinEntries.Remove(record.Id);
        await HangUpAsync(record);
        await ReleaseLegAsync(record);
        MarkDisconnected(record, DisconnectionMethod.Booted, reason);
        await SaveAsync();
    }
}
