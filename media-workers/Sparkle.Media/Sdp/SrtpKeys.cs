using Sparkle.Media.Srtp;

namespace Sparkle.Media.Sdp;

/// <summary>SRTP keys agreed by SDES: ours protect what we send, the peer's unprotect what we receive.</summary>
public sealed record SrtpKeys(SrtpSuite Suite, byte[] LocalKeyMaterial, byte[] RemoteKeyMaterial);
