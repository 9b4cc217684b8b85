using Microsoft.AspNetCore.Components;
using Sparkle.Client;
using Sparkle.Console.Localization;
using Sparkle.Console.Session;

namespace Sparkle.Console.Pages.Admin.Shared;

/// <summary>What every administration page shares: the session and strings, the role checks that hide what a
/// role may not do (the grains refuse it anyway), one way to call the API with progress and typed errors, and
/// a re-render when the language changes (see LocalizedComponent).</summary>
public abstract class AdminPage : LocalizedComponent
{
    [Inject] protected ConsoleSession Session { get; set; } = default!;
    [Inject] protected NavigationManager Navigation { get; set; } = default!;

    /// <summary>The page-level error (network, rights), with what to do.</summary>
    protected string? Problem { get; set; }

    /// <summary>What is running now ("Saving…"), or null: buttons are disabled meanwhile.</summary>
    protected string? Status { get; private set; }

    protected bool Working => Status is not null;

    /// <summary>The user's tenant role is at least this one.</summary>
    protected bool AtLeast(Role role) => Session.Role is { } mine && mine >= role;

    /// <summary>Runs one API call with <paramref name="status"/> shown meanwhile. A typed API error goes to
    /// <paramref name="errors"/> (next to the field its message names, see <see cref="FieldRoute"/>) or, without
    /// a form, to <see cref="Problem"/>; the result is then default. Network trouble always goes to Problem.</summary>
    protected async Task<TResult?> CallAsync<TResult>(string status, Func<SparkleClient, Task<TResult>> call, FormErrors? errors = null, params FieldRoute[] routes)
    {
        Status = status;
        Problem = null;
        errors?.Clear();
        try
        {
            var api = await GetApiAsync();
            if (api is null)
            {
                Problem = T["admin.error.unauthenticated"];
                return default;
            }
            return await call(api);
        }
        catch (SparkleApiException e)
        {
            if (errors is null)
            {
                Problem = FormErrors.Describe(e, T);
            }
            else
            {
                errors.FromApi(e, T, routes);
            }
            return default;
        }
        catch (HttpRequestException)
        {
            Problem = T["common.error.network"];
            return default;
        }
        catch (System.Text.Json.JsonException e)
        {
            // An answer of another shape (an older or newer API): say so rather than break the page.
            Problem = T.Format("admin.error.other", e.Message, "RESPONSE_SHAPE");
            return default;
        }
        finally
        {
            Status = null;
        }
    }

    /// <summary>The client calls go through: the session's (a page with another credential overrides it).</summary>
    protected virtual Task<SparkleClient?> GetApiAsync() => Session.GetApiAsync();

    /// <summary>A call whose result does not matter: true when it succeeded.</summary>
    protected async Task<bool> CallAsync(string status, Func<SparkleClient, Task> call, FormErrors? errors = null, params FieldRoute[] routes) =>
        await CallAsync(status, async api => { await call(api); return true; }, errors, routes);

    /// <summary>Sends a document and reads data.{field}; errors become SparkleApiException.</summary>
    protected static async Task<TData> QueryAsync<TData>(SparkleClient api, string field, string document, object? variables = null) =>
        (await api.ExecuteAsync(document, variables)).Get<TData>(field);

    protected string When(DateTimeOffset? at) => at is { } t ? t.ToLocalTime().ToString("yyyy-MM-dd HH:mm", System.Globalization.CultureInfo.InvariantCulture) : T["admin.none"];

    protected string RoleName(Role role) => T["role." + role.ToString().ToLowerInvariant()];

}
