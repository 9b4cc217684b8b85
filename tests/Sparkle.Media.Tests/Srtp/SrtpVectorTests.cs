using Sparkle.Media.Srtp;

namespace Sparkle.Media.Tests.Srtp;

public class SrtpVectorTests
{
    private const string MasterKey = "E1F97A0D3E018BE0D64FA32C06DE4139";
    private const string MasterSalt = "0EC675AD498AFEEBB6960B3AABE6";

    [Fact]
    public void KeystreamMatchesRfc3711AppendixB2()
    {
        using var aes = new AesCounterMode(Hex.Bytes("2B7E151628AED2A6ABF7158809CF4F3C"));
        var iv = Hex.Bytes("F0F1F2F3F4F5F6F7F8F9FAFBFCFD0000");
        var stream = new byte[0xFF02 * 16];
        aes.Keystream(iv, stream);

        Assert.Equal("E03EAD0935C95E80E166B16DD92B4EB4", Hex.Of(stream.AsSpan(0, 16)));
        Assert.Equal("D23513162B02D0F72A43A2FE4A5F97AB", Hex.Of(stream.AsSpan(16, 16)));
        Assert.Equal("41E95B3BB0A2E8DD477901E4FCA894C0", Hex.Of(stream.AsSpan(32, 16)));
        Assert.Equal("EC8CDF7398607CB0F2D21675EA9EA1E4", Hex.Of(stream.AsSpan(0xFEFF * 16, 16)));
        Assert.Equal("362B7C3C6773516318A077D7FC5073AE", Hex.Of(stream.AsSpan(0xFF00 * 16, 16)));
        Assert.Equal("6A2CC3787889374FBEB4C81B17BA6C44", Hex.Of(stream.AsSpan(0xFF01 * 16, 16)));
    }

    [Fact]
    public void EncryptionMatchesAnIndependentCounterModeAtEveryLength()
    {
        // Lengths around the 16- and 32-byte vector steps and the 1024-byte chunk, against .NET's AES-ECB
        // over counter blocks XORed byte by byte: the keystream XOR may not skip or repeat a byte.
        var key = Hex.Bytes("2B7E151628AED2A6ABF7158809CF4F3C");
        var iv = Hex.Bytes("F0F1F2F3F4F5F6F7F8F9FAFBFCFD0000");
        using var ours = new AesCounterMode(key);
        using var reference = System.Security.Cryptography.Aes.Create();
        reference.Key = key;
        foreach (var length in new[] { 0, 1, 15, 16, 17, 31, 32, 33, 47, 160, 172, 1023, 1024, 1025, 1500 })
        {
            var plain = Enumerable.Range(0, length).Select(i => (byte)(i * 7 + 3)).ToArray();
            var counters = new byte[(length + 15) / 16 * 16];
            for (var block = 0; block < counters.Length / 16; block++)
            {
                iv.CopyTo(counters, block * 16);
                counters[(block * 16) + 14] = (byte)(block >> 8);
                counters[(block * 16) + 15] = (byte)block;
            }
            var keystream = reference.EncryptEcb(counters, System.Security.Cryptography.PaddingMode.None);
            var expected = plain.Select((b, i) => (byte)(b ^ keystream[i])).ToArray();

            var actual = plain.ToArray();
            ours.Apply(iv, actual);

            Assert.True(expected.SequenceEqual(actual), $"length {length}");
        }
    }

    [Fact]
    public void IvForSsrcZeroIndexZeroIsTheSaltShifted()
    {
        var iv = new byte[16];
        SrtpContext.BuildIv(Hex.Bytes("F0F1F2F3F4F5F6F7F8F9FAFBFCFD"), 0, 0, iv);
        Assert.Equal("F0F1F2F3F4F5F6F7F8F9FAFBFCFD0000", Hex.Of(iv));
    }

    [Fact]
    public void KeyDerivationMatchesRfc3711AppendixB3()
    {
        var key = Hex.Bytes(MasterKey);
        var salt = Hex.Bytes(MasterSalt);
        var cipherKey = new byte[16];
        var cipherSalt = new byte[14];
        var authKey = new byte[94];
        SrtpKeyDerivation.Derive(key, salt, SrtpKeyDerivation.RtpEncryption, cipherKey);
        SrtpKeyDerivation.Derive(key, salt, SrtpKeyDerivation.RtpSalt, cipherSalt);
        SrtpKeyDerivation.Derive(key, salt, SrtpKeyDerivation.RtpAuthentication, authKey);

        Assert.Equal("C61E7A93744F39EE10734AFE3FF7A087", Hex.Of(cipherKey));
        Assert.Equal("30CBBC08863D8C85D49DB34A9AE1", Hex.Of(cipherSalt));
        Assert.Equal(
            "CEBE321F6FF7716B6FD4AB49AF256A156D38BAA48F0A0ACF3C34E2359E6CDBCE" +
            "E049646C43D9327AD175578EF72270986371C10C9A369AC2F94A8C5FBCDDDC25" +
            "6D6E919A48B610EF17C2041E474035766B68642C59BBFC2F34DB60DBDFB2",
            Hex.Of(authKey));
    }

    [Fact]
    public void ProtectsTheLibsrtpReferenceRtpPacket()
    {
        using var sender = new SrtpContext(SrtpSuite.AesCm128HmacSha1_80, Hex.Bytes(MasterKey), Hex.Bytes(MasterSalt));
        var buffer = new byte[64];
        var plain = Hex.Bytes("800F1234DECAFBADCAFEBABE" + string.Concat(Enumerable.Repeat("AB", 16)));
        plain.CopyTo(buffer, 0);

        Assert.Equal(SrtpStatus.Ok, sender.ProtectRtp(buffer, plain.Length, out var length));

        Assert.Equal("800F1234DECAFBADCAFEBABE4E55DC4CE79978D88CA4D215949D2402B78D6ACC99EA179B8DBB", Hex.Of(buffer.AsSpan(0, length)));
    }

    [Fact]
    public void UnprotectsTheLibsrtpReferenceRtpPacket()
    {
        using var receiver = new SrtpContext(SrtpSuite.AesCm128HmacSha1_80, Hex.Bytes(MasterKey), Hex.Bytes(MasterSalt));
        var packet = Hex.Bytes("800F1234DECAFBADCAFEBABE4E55DC4CE79978D88CA4D215949D2402B78D6ACC99EA179B8DBB");

        Assert.Equal(SrtpStatus.Ok, receiver.UnprotectRtp(packet, out var length));

        Assert.Equal("800F1234DECAFBADCAFEBABE" + string.Concat(Enumerable.Repeat("AB", 16)), Hex.Of(packet.AsSpan(0, length)));
    }

    [Fact]
    public void ProtectsTheLibsrtpReferenceRtcpPacket()
    {
        using var sender = new SrtpContext(SrtpSuite.AesCm128HmacSha1_80, Hex.Bytes(MasterKey), Hex.Bytes(MasterSalt));
        var buffer = new byte[64];
        var plain = Hex.Bytes("81C8000BCAFEBABE" + string.Concat(Enumerable.Repeat("AB", 16)));
        plain.CopyTo(buffer, 0);

        Assert.Equal(SrtpStatus.Ok, sender.ProtectRtcp(buffer, plain.Length, out var length));

        Assert.Equal("81C8000BCAFEBABE7128035BE487B9BDBEF89041F977A5A880000001993E08CD54D6C1230798", Hex.Of(buffer.AsSpan(0, length)));

        using var receiver = new SrtpContext(SrtpSuite.AesCm128HmacSha1_80, Hex.Bytes(MasterKey), Hex.Bytes(MasterSalt));
        Assert.Equal(SrtpStatus.Ok, receiver.UnprotectRtcp(buffer.AsSpan(0, length), out var plainLength));
        Assert.Equal(Hex.Of(plain), Hex.Of(buffer.AsSpan(0, plainLength)));
    }
}
