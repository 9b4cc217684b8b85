using System.Security.Cryptography;
using System.Text;

namespace Sparkle.Grains.Identity;

/// <summary>A web-console password as stored: never the password, always how it was derived, so the work
/// factor can be raised later (a sign-in with an older hash re-derives it at the current one).</summary>
[GenerateSerializer, Immutable]
public sealed record ConsolePasswordHash(
    [property: Id(0)] string Algorithm,
    [property: Id(1)] int Iterations,
    [property: Id(2)] byte[] Salt,
    [property: Id(3)] byte[] Hash);

/// <summary>PBKDF2-HMAC-SHA256 for web-console passwords. Shared by the grains (which store and check the
/// hashes) and the API host (which does the same work for unknown tenants, so timing tells nothing).</summary>
public static class ConsolePasswords
{
    public const string Pbkdf2Sha256 = "pbkdf2-sha256";

    /// <summary>OWASP (2023) asks 600,000 for PBKDF2-HMAC-SHA256; 210,000 is its figure for SHA-512. We take
    /// 210,000: each derivation costs about 60-100 ms of one core on the silo, sign-ins are rate limited per
    /// account and per address, and the stored iteration count lets a later release raise it (hashes are
    /// upgraded at the next successful sign-in).</summary>
    public const int CurrentIterations = 210_000;

    public const int MinLength = 8;
    public const int MaxLength = 256;

    private const int SaltBytes = 16;
    private const int HashBytes = 32;

    /// <summary>A fixed hash to verify against when there is no user, so unknown users cost the same work.</summary>
    private static readonly ConsolePasswordHash s_dummy = new(Pbkdf2Sha256, CurrentIterations, new byte[SaltBytes], new byte[HashBytes]);

    /// <summary>Null when the password is acceptable, otherwise why not.</summary>
    public static string? Weakness(string? password) => password switch
    {
        null or { Length: < MinLength } => $"Passwords are at least {MinLength} characters.",
        { Length: > MaxLength } => $"Passwords are at most {MaxLength} characters.",
        _ => null,
    };

    public static ConsolePasswordHash Hash(string password)
    {
        var salt = RandomNumberGenerator.GetBytes(SaltBytes);
        return new ConsolePasswordHash(Pbkdf2Sha256, CurrentIterations, salt, Derive(password, salt, CurrentIterations));
    }

    /// <summary>True when <paramref name="password"/> matches <paramref name="stored"/>. With no stored hash the
    /// same derivation runs against a dummy and the answer is false.</summary>
    public static bool Verify(string? password, ConsolePasswordHash? stored)
    {
        var target = stored is { Algorithm: Pbkdf2Sha256, Iterations: > 0 } ? stored : s_dummy;
        var derived = Derive(password ?? "", target.Salt, target.Iterations);
        return CryptographicOperations.FixedTimeEquals(derived, target.Hash) && ReferenceEquals(target, stored);
    }

    public static bool NeedsUpgrade(ConsolePasswordHash stored) =>
        stored.Algorithm != Pbkdf2Sha256 || stored.Iterations < CurrentIterations;

    private static byte[] Derive(string password, byte[] salt, int iterations)
    {
        // Cap what a caller-supplied string can cost before hashing.
        var text = password.Length > MaxLength ? password[..MaxLength] : password;
        return Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(text), salt, iterations, HashAlgorithmName.SHA256, HashBytes);
    }
}
