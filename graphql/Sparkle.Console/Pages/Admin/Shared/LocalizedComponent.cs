using Microsoft.AspNetCore.Components;
using Sparkle.Console.Localization;

namespace Sparkle.Console.Pages.Admin.Shared;

/// <summary>A component with words in it re-renders itself when the language changes: Blazor does not re-render
/// a child whose parameters did not change, so the layout's re-render would leave it in the old language.</summary>
public abstract class LocalizedComponent : ComponentBase, IDisposable
{
    [Inject] protected Strings T { get; set; } = default!;

    protected override void OnInitialized() => T.Changed += OnLanguageChanged;

    private void OnLanguageChanged() => InvokeAsync(StateHasChanged);

    public virtual void Dispose()
    {
        T.Changed -= OnLanguageChanged;
        GC.SuppressFinalize(this);
    }
}
