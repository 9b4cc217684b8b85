namespace Sparkle.Video.Layouts;

public enum LayoutKind
{
    Grid,
    OneLargePlusN,
    TwoLargePlusN,
    ThreeLargePlusN,
    PictureInPicture,
    FilmStrip,
    OverlappingInsets,
}
