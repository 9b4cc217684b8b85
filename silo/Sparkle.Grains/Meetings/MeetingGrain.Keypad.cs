namespace Sparkle.Grains.Meetings;

/// <summary>Keypad controls for phones, as conferencing services commonly offer them: <c>*6</c> mutes or
/// unmutes oneself. Digits are still published as events (integrations may add their own controls).</summary>
public sealed partial class MeetingGrain
{
    /// <summary>The second key of a <c>*</c> command must follow within this time.</summary>
    private static readonly TimeSpan s_keypadCommandWindow = TimeSpan.FromSeconds(3);

    /// <summary>When each participant last pressed <c>*</c> (not persisted: a half-keyed command may be lost).</summary>
    private readonly Dictionary<string, DateTimeOffset> _keypadStars = new(StringComparer.Ordinal);

    private async Task OnKeypadAsync(ParticipantRecord record, string digits)
    {
        foreach (var digit in digits)
        {
            if (digit == '*')
            {
                _keypadStars[record.Id] = DateTimeOffset.UtcNow;
                continue;
            }

            if (!_keypadStars.Remove(record.Id, out var starAt) || DateTimeOffset.UtcNow - starAt > s_keypadCommandWindow)
            {
                continue;
            }

            if (digit == '6')
            {
                await ToggleSelfMuteAsync(record);
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
