namespace Sparkle.Sip.Messages;

public static class SipMethods
{
    public const string Invite = "INVITE";
    public const string Ack = "ACK";
    public const string Bye = "BYE";
    public const string Cancel = "CANCEL";
    public const string Options = "OPTIONS";
    public const string Register = "REGISTER";
    public const string Subscribe = "SUBSCRIBE";
    public const string Notify = "NOTIFY";
    public const string Refer = "REFER";
    public const string Info = "INFO";
    public const string Update = "UPDATE";
    public const string Message = "MESSAGE";
    public const string Prack = "PRACK";
    public const string Publish = "PUBLISH";

    /// <summary>Methods this stack understands (unknown ones get 501 at a UAS).</summary>
    public static readonly IReadOnlySet<string> Known = new HashSet<string>(StringComparer.Ordinal)
    {
        Invite, Ack, Bye, Cancel, Options, Register, Subscribe, Notify, Refer, Info, Update, Message, Prack, Publish,
    };
}
