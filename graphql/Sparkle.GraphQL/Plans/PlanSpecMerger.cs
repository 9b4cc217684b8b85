using GraphQL;
using Sparkle.Grains.Directory;
using Sparkle.Grains.Identity;
using Sparkle.Grains.Plans;
using Sparkle.Grains.Tenants;
using Sparkle.GraphQL.Layouts;
using Sparkle.GraphQL.Schema;

namespace Sparkle.GraphQL.Plans;

/// <summary>Applies the fields present in a plan/meeting input onto a spec, and turns contacts into
/// numbers to dial.</summary>
internal static class PlanSpecMerger
{
    public static async Task<MeetingPlanSpec> MergeAsync(IResolveFieldContext ctx, Caller caller, MeetingPlanSpec spec, IDictionary<string, object?> input)
    {
        if (input.Has("title"))
        {
            spec = spec with { Title = input.Value<string>("title") ?? throw ResolveContextExtensions.BadInput("title may not be null.") };
        }
        if (string.IsNullOrWhiteSpace(spec.Title))
        {
            throw ResolveContextExtensions.BadInput("title may not be empty.");
        }
        if (input.Has("participants"))
        {
            spec = spec with { Participants = await ResolveParticipantsAsync(ctx, caller, input.List<PlannedParticipant>("participants")) };
        }
        if (input.Has("layout"))
        {
            var layout = input.Value<string>("layout") ?? "auto";
            if (!LayoutCatalog.Contains(layout))
            {
                throw ResolveContextExtensions.BadInput($"Unknown layout '{layout}'; see the layouts query.");
            }
            spec = spec with { Layout = layout };
        }
        if (input.Value<LayoutMode?>("layoutMode") is { } mode)
        {
            spec = spec with { LayoutMode = mode };
        }
        if (input.Has("recording"))
        {
            spec = spec with { Recording = input.Value<RecordingSettings>("recording") };
        }
        if (input.Has("pin"))
        {
            spec = spec with { Pin = input.Value<string>("pin") };
        }
        if (input.Has("scheduledStart"))
        {
            spec = spec with { ScheduledStart = input.Value<DateTimeOffset?>("scheduledStart") };
        }
        if (input.Has("durationMinutes"))
        {
            spec = spec with { Duration = input.Value<int?>("durationMinutes") is { } minutes ? TimeSpan.FromMinutes(minutes) : null };
        }
        return spec;
    }

    public static async Task<IReadOnlyList<PlannedParticipant>> ResolveParticipantsAsync(IResolveFieldContext ctx, Caller caller, IReadOnlyList<PlannedParticipant> participants)
    {
        var resolved = new List<PlannedParticipant>(participants.Count);
        foreach (var participant in participants)
        {
            resolved.Add(await ResolveAsync(ctx, caller, participant));
        }
        return resolved;
    }

    /// <summary>A participant named only by contact gets the contact's SIP number, else mobile, else landline.</summary>
    public static async Task<PlannedParticipant> ResolveAsync(IResolveFieldContext ctx, Caller caller, PlannedParticipant participant)
    {
        if (!string.IsNullOrWhiteSpace(participant.Number))
        {
            return participant;
        }
        if (participant.ContactExternalId is not { } contactId)
        {
            throw ResolveContextExtensions.BadInput("A participant needs a number or a contactExternalId.");
        }
        var grains = ctx.Grains();
        var contact = await grains.GetGrain<IDirectoryGrain>(caller.TenantId).GetContactAsync(caller, contactId);
        if (contact is null && caller.UserNumber is { } number)
        {
            var personal = await grains.GetGrain<IPersonalContactsGrain>(UserKey.For(caller.TenantId, number)).ListAsync(caller);
            contact = personal.FirstOrDefault(c => c.ExternalId == contactId);
        }
        if (contact is null)
        {
            throw ResolveContextExtensions.BadInput($"No contact '{contactId}'.");
        }
        var dial = contact.SipNumber ?? contact.Mobile ?? contact.Landline
            ?? throw ResolveContextExtensions.BadInput($"Contact '{contactId}' has no number.");
        return participant with { Number = dial, DisplayName = participant.DisplayName ?? contact.DisplayName };
    }
}
