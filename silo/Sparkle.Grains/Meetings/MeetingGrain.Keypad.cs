namespace Sparkle.Grains.Meetings;

/// <summary>Keypad controls for phones, as conferencing services commonly offer them: <c>*6</c> mutes or
/// unmutes oneself; <c>*7</c> replays the last utterance of someone else privately, <c>*77</c> what others said in
/// the last 30 s (see <c>MeetingGrain.Replay.cs</c>). <c>*7</c> plays at once; a further <c>7</c> within the
/// command window turns it into <c>*77</c>, which replaces it. Digits are still published as events
/// (integrations may add their own controls).</summary>
public sealed partial class MeetingGrain
{
    /// <summary>The second key of a <c>*</c> command must follow within this time.</summary>
    private static readonly TimeSpan s_keypadCommandWindow = TimeSpan.FromSeconds(3);

    /// <summary>When each participant last pressed <c>*</c> (not persisted: a half-keyed command may be lost).</summary>
    private readonly Dictionary<string, DateTimeOffset> _keypadStars = new(StringComparer.Ordinal);

    /// <summary>When each participant last keyed <c>*7</c>: a <c>7</c> right after makes it <c>*77</c>.</summary>
    private readonly Dictionary<string, DateTimeOffset> _keypadReplays = new(StringComparer.Ordinal);

    private async Task OnKeypadAsync(ParticipantRecord record, string digits)
    {
        foreach (var digit in digits)
        {
            var now = DateTimeOffset.UtcNow;
            var afterReplay = _keypadReplays.Remove(record.Id, out var replayAt) && now - replayAt <= s_keypadCommandWindow;
            if (digit == '*')
            {
                _keypadStars[record.Id] = now;
                continue;
            }

            if (!_keypadStars.Remove(record.Id, out var starAt) || now - starAt > s_keypadCommandWindow)
            {
                if (afterReplay && digit == '7')
                {
                    await KeypadReplayAsync(record, ReplayMissedWindow);
                }

                continue;
            }

            if (digit == '6')
            {
                await ToggleSelfMuteAsync(record);
            }
            else if (digit == '7')
            {
                await KeypadReplayAsync(record, window: null);
                _keypadReplays[record.Id] = DateTimeOffset.UtcNow;
            }
        }
    }

    /// <summary>As <see cref="SetMutedAsync"/> by the participant themself: unmuting is refused while the
    /// chair has withdrawn speaking rights.</summary>
    private async Task ToggleSelfMuteAsync(ParticipantRecord record)
    {
        if (record.Muted && !record.SpeakingAllowed)
        {
            return;
        }

        record.Muted = !record.Muted;
        await ParticipantChangedAsync(record);
    }
}
