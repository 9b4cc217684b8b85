namespace Sparkle.Grains.Plans;

[GenerateSerializer]
public sealed class MeetingPlanState
{
    [Id(0)] public MeetingPlanInfo? Info { get; set; }
}
