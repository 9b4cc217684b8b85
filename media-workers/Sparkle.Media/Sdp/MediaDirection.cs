namespace Sparkle.Media.Sdp;

[Flags]
public enum MediaDirection
{
    Inactive = 0,
    SendOnly = 1,
    RecvOnly = 2,
    SendRecv = SendOnly | RecvOnly,
}

public static class MediaDirections
{
    public static string ToAttribute(this MediaDirection direction) => direction switch
    {
        MediaDirection.SendOnly => "sendonly",
        MediaDirection.RecvOnly => "recvonly",
        MediaDirection.Inactive => "inactive",
        _ => "sendrecv",
    };

    public static MediaDirection? FromAttribute(string name) => name switch
    {
        "sendrecv" => MediaDirection.SendRecv,
        "sendonly" => MediaDirection.SendOnly,
        "recvonly" => MediaDirection.RecvOnly,
        "inactive" => MediaDirection.Inactive,
        _ => null,
    };

    /// <summary>The answerer's direction for an offered one (RFC 3264 §6.1): what the offerer sends we
    /// receive, and the other way round.</summary>
    public static MediaDirection Reverse(this MediaDirection offered) => offered switch
    {
        MediaDirection.SendOnly => MediaDirection.RecvOnly,
        MediaDirection.RecvOnly => MediaDirection.SendOnly,
        _ => offered,
    };

    public static bool Sends(this MediaDirection direction) => (direction & MediaDirection.SendOnly) != 0;
    public static bool Receives(this MediaDirection direction) => (direction & MediaDirection.RecvOnly) != 0;
}
