namespace Sparkle.Grains.Tenants;

[GenerateSerializer]
public sealed class RefreshTokenState
{
    [Id(0)] public Guid TenantId { get; set; }
    [Id(1)] public string Number { get; set; } = "";
    [Id(2)] public Guid SessionId { get; set; }
    [Id(3)] public DateTimeOffset ExpiresAt { get; set; }
}
