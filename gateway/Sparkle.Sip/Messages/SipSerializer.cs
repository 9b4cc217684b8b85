using System.Text;

namespace Sparkle.Sip.Messages;

/// <summary>Writes a message to bytes. Content-Length is always computed from the body.</summary>
public static class SipSerializer
{
    public static byte[] Serialize(SipMessage message)
    {
        var sb = new StringBuilder(512);
        switch (message)
        {
            case SipRequest request:
                sb.Append(request.Method).Append(' ').Append(request.RequestUri).Append(" SIP/2.0\r\n");
                break;
            case SipResponse response:
                sb.Append("SIP/2.0 ").Append(response.StatusCode).Append(' ').Append(response.Reason).Append("\r\n");
                break;
        }
        foreach (var header in message.Headers)
        {
            if (header.Name == HeaderNames.ContentLength)
            {
                continue;
            }
            sb.Append(header.Name).Append(": ").Append(header.Value).Append("\r\n");
        }
        sb.Append("Content-Length: ").Append(message.Body.Length).Append("\r\n\r\n");
        var headLength = Encoding.UTF8.GetByteCount(sb.ToString());
        var bytes = new byte[headLength + message.Body.Length];
        Encoding.UTF8.GetBytes(sb.ToString(), bytes);
        message.Body.CopyTo(bytes, headLength);
        return bytes;
    }
}
