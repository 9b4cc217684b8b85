namespace Sparkle.Video.Compositing;

public enum ScalerKind
{
    /// <summary>libswscale (SIMD) when libswscale.so.6 loads, else the managed scaler.</summary>
    Auto,

    /// <summary>Portable fixed-point bilinear scaler in C#.</summary>
    Managed,

    /// <summary>libswscale: area averaging when shrinking, bilinear when enlarging.</summary>
    Swscale,
}
