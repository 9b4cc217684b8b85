namespace Sparkle.Grains.Plans;

[GenerateSerializer]
public sealed class TenantCatalogState
{
    /// <summary>Plan id to owner number.</summary>
    [Id(0)] public Dictionary<Guid, string> Plans { get; set; } = [];
    [Id(1)] public Dictionary<Guid, CatalogMeeting> Meetings { get; set; } = [];
    /// <summary>Conference user part (6-digit number or ad-hoc id) to meeting id.</summary>
    [Id(2)] public Dictionary<string, Guid> Numbers { get; set; } = [];
    /// <summary>The listing index holds every meeting of this catalog (false for catalogs older than the index).</summary>
    [Id(3)] public bool Listed { get; set; }
}

[GenerateSerializer]
public sealed class CatalogMeeting
{
    [Id(0)] public string ConferenceNumber { get; set; } = "";
    [Id(1)] public bool AdHoc { get; set; }
    [Id(2)] public string OwnerNumber { get; set; } = "";
    [Id(3)] public List<string> Members { get; set; } = [];
}
