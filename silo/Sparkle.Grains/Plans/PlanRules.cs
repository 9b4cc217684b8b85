using Sparkle.Grains.Identity;
using Sparkle.Grains.Security;

namespace Sparkle.Grains.Plans;

/// <summary>Checks of plan and meeting contents.</summary>
public static class PlanRules
{
    public const int MaxParticipants = 500;

    public static IReadOnlyList<PlannedParticipant> Participants(IReadOnlyList<PlannedParticipant>? participants)
    {
        if (participants is null)
        {
            return [];
        }

        if (participants.Count > MaxParticipants)
        {
            throw new ValidationException($"At most {MaxParticipants} participants.");
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        var result = new List<PlannedParticipant>(participants.Count);
        foreach (var p in participants)
        {
            if (p is null)
            {
                throw new ValidationException("Empty participant.");
            }

            var number = Validate.Dialable(p.Number, "Participant number");
            Validate.Role(p.MeetingRole);
            if (seen.Add(number))
            {
                result.Add(p with { Number = number, DisplayName = Validate.OptionalText(p.DisplayName, "Display name", 200) });
            }
        }

        return result;
    }

    public static MeetingPlanSpec Spec(MeetingPlanSpec? spec)
    {
        if (spec is null)
        {
            throw new ValidationException("A plan is required.");
        }

        if (spec.Duration is { } d && (d <= TimeSpan.Zero || d > TimeSpan.FromDays(7)))
        {
            throw new ValidationException("Duration must be positive and at most 7 days.");
        }

        return spec with
        {
            Title = Validate.Text(spec.Title, "Title", 200),
            Participants = Participants(spec.Participants),
            Layout = Validate.LayoutId(spec.Layout),
            Pin = Validate.Pin(spec.Pin),
        };
    }
}
