namespace Sparkle.Grains.Gateway;

[GenerateSerializer]
public sealed class RegistrationState
{
    [Id(0)] public List<RegistrationBinding> Bindings { get; set; } = [];
}
