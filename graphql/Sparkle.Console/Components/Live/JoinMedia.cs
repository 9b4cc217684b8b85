namespace Sparkle.Console.Components.Live;

/// <summary>The shapes wwwroot/js/webrtc.js answers with (the JoinPanel's whole interop surface is that module's
/// exports: preview, stopPreview, offer, answer, setEnabled, useDevice, close).</summary>
public static class JoinMedia
{
    /// <summary>Imported through IJSRuntime "import" (resolved against the document's base).</summary>
    public const string ModulePath = "./js/webrtc.js";

    /// <summary>The offer modes the module knows.</summary>
    public const string Video = "video";
    public const string Audio = "audio";
    public const string Watch = "watch";
}

/// <summary>The module's complete SDP offer, or why the camera or microphone could not be had (a DOMException
/// name: NotAllowedError, NotFoundError, NotReadableError...; NoMediaDevices outside a secure context).</summary>
public sealed record OfferResult(string? Sdp, string? Error, MediaDeviceList? Devices = null);

/// <summary>The preview started (Error null) or not, and the devices the browser lists.</summary>
public sealed record PreviewResult(string? Error, MediaDeviceList? Devices);

public sealed record MediaDeviceList(IReadOnlyList<MediaDevice> Audio, IReadOnlyList<MediaDevice> Video);

/// <summary>One input device; the label is empty until the user has allowed media once.</summary>
public sealed record MediaDevice(string Id, string Label);
