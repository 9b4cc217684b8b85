using Sparkle.Client;
using Sparkle.Console.Pages.Admin.Tenant;
using Sparkle.Console.Tests.Fakes;

namespace Sparkle.Console.Tests.Admin;

public sealed class TenantPageTests : ConsoleTestContext
{
    private static object Tenant(int retention = 0) => new
    {
        id = Guid.NewGuid(),
        name = "demo",
        sipDomains = new[] { "demo.sparkle.test" },
        createdAt = DateTimeOffset.UnixEpoch,
        policies = new
        {
            tlsOnlySignalling = false,
            srtpRequired = false,
            dialOutMinimumRole = "chair",
            dialOutPatterns = new[] { "^1[0-9]{10}$" },
            recordingRetentionDays = retention,
            recordingExportMinimumRole = "manager",
            allowUtteranceReplayAfterMeeting = false,
            participantsReadMinutes = false,
            minutesLanguage = "en-US",
        },
    };

    private void ServeTenant()
    {
        Api.On("tenant", call => call.Query.Contains("branding", StringComparison.Ordinal)
            ? new { branding = new { productName = "Acme Meet", primaryColor = "#112233", accentColor = "#445566", signInMessage = "Welcome" } }
            : Tenant());
    }

    [Fact]
    public void AMemberSeesNoSettings()
    {
        SignIn(Role.Member);
        ServeTenant();

        var page = Render<TenantPage>();

        Assert.Equal(T["admin.tenant.managersOnly"], page.Find("[role=alert]").TextContent);
        Assert.Empty(Api.Calls);
    }

    [Fact]
    public void AManagerReadsPoliciesAndBrandingWithoutSaveButtons()
    {
        SignIn(Role.Manager);
        ServeTenant();

        var page = Render<TenantPage>();

        page.WaitForAssertion(() => Assert.Equal("Acme Meet", page.Find("#brand-name").GetAttribute("value")));
        Assert.Contains(T["admin.tenant.readOnly"], page.Markup);
        Assert.Empty(page.FindAll("#save-policies"));
        Assert.Empty(page.FindAll("#save-branding"));
        Assert.All(page.FindAll("fieldset"), f => Assert.True(f.HasAttribute("disabled")));
    }

    [Fact]
    public void AnOwnerSavesPoliciesAndARefusedValueShowsNextToItsField()
    {
        SignIn(Role.Owner);
        ServeTenant();
        Api.OnError("updateTenantPolicies", "BAD_USER_INPUT", "Dial-out pattern '[' is not a regular expression.");
        var page = Render<TenantPage>();
        page.WaitForAssertion(() => page.Find("#save-policies"));
        Assert.Equal("^1[0-9]{10}$", page.Find("#dial-out-patterns").GetAttribute("value"));

        page.Find("#dial-out-patterns").Change("^1[0-9]{10}$\n[");
        page.Find("#retention").Change("30");
        page.Find("#srtp").Change(true);
        page.Find("form.policies").Submit();

        page.WaitForAssertion(() => Assert.Contains("is not a regular expression", page.Find("#dial-out-patterns-error").TextContent));
        var policies = Api.CallsTo("updateTenantPolicies").Single().Path("policies")!.Value;
        Assert.Equal(2, policies.GetProperty("dialOutPatterns").GetArrayLength());
        Assert.Equal(30, policies.GetProperty("recordingRetentionDays").GetInt32());
        Assert.True(policies.GetProperty("srtpRequired").GetBoolean());
        Assert.Equal("chair", policies.GetProperty("dialOutMinimumRole").GetString());
    }

    [Fact]
    public void AnOwnerSeesTheBrandingFormAndTheColoursPreviewLive()
    {
        SignIn(Role.Owner);
        ServeTenant();
        var page = Render<TenantPage>();
        page.WaitForAssertion(() => page.Find("#save-branding"));
        Assert.Contains("--brand-primary: #112233", page.Find(".brand-preview").GetAttribute("style"));

        page.Find("#brand-primary").Input("#aa0000");
        page.Find("#brand-name").Input("Sparkle Pro");

        Assert.Contains("--brand-primary: #aa0000", page.Find(".brand-preview").GetAttribute("style"));
        Assert.Contains("Sparkle Pro", page.Find(".brand-bar").TextContent);
    }

    [Fact]
    public void ABadColourIsCaughtInTheFormAndTheApisColourErrorGoesNextToTheColourItNames()
    {
        SignIn(Role.Owner);
        ServeTenant();
        Api.OnError("setTenantBranding", "INVALID_COLOR", "Accent colour must be #rrggbb.");
        var page = Render<TenantPage>();
        page.WaitForAssertion(() => page.Find("#save-branding"));

        page.Find("#brand-primary").Input("red");
        page.Find("form.branding").Submit();
        Assert.Equal(T["admin.branding.colourInvalid"], page.Find("#brand-primary-error").TextContent);
        Assert.Empty(Api.CallsTo("setTenantBranding"));

        page.Find("#brand-primary").Input("#aa0000");
        page.Find("form.branding").Submit();

        page.WaitForAssertion(() => Assert.Contains("Accent colour must be #rrggbb.", page.Find("#brand-accent-error").TextContent));
        Assert.Empty(page.FindAll("#brand-primary-error"));
        var input = Api.CallsTo("setTenantBranding").Single().Path("input")!.Value;
        Assert.Equal("#aa0000", input.GetProperty("primaryColor").GetString());
        Assert.Equal("Acme Meet", input.GetProperty("productName").GetString());
    }

    [Fact]
    public void ALogoOverTheLimitIsRefusedBeforeUploadAndASmallOneBecomesADataUrl()
    {
        SignIn(Role.Owner);
        ServeTenant();
        Api.On("setTenantBranding", new { productName = "Acme Meet", primaryColor = "#112233", accentColor = "#445566", logoDataUrl = "data:image/png;base64,AQID" });
        var page = Render<TenantPage>();
        page.WaitForAssertion(() => page.Find("#save-branding"));

        page.FindComponent<Microsoft.AspNetCore.Components.Forms.InputFile>()
            .UploadFiles(InputFileContent.CreateFromBinary(new byte[129 * 1024], "big.png", contentType: "image/png"));
        page.WaitForAssertion(() => Assert.Equal(T.Format("admin.branding.logoTooBig", 129, 128), page.Find("#brand-logo-error").TextContent));

        page.FindComponent<Microsoft.AspNetCore.Components.Forms.InputFile>()
            .UploadFiles(InputFileContent.CreateFromBinary([1, 2, 3], "logo.png", contentType: "image/png"));
        page.WaitForAssertion(() => Assert.Equal("data:image/png;base64,AQID", page.Find(".brand-bar img").GetAttribute("src")));
        page.Find("form.branding").Submit();

        page.WaitForAssertion(() => Assert.Single(Api.CallsTo("setTenantBranding")));
        Assert.Equal("data:image/png;base64,AQID", Api.CallsTo("setTenantBranding")[0].Path("input", "logoDataUrl")!.Value.GetString());
    }
}
