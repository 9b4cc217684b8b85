namespace Sparkle.Grains.Internal;

/// <summary>Silo-internal face of the user grain: the tenant grain stores the digest and password hashes here.
/// Key: UserKey.For(tenant, number).</summary>
public interface IUserCredentialsGrain : IGrainWithStringKey
{
    Task SetCredentialsAsync(string realm, string ha1Md5, string ha1Sha256);
    Task SetConsolePasswordAsync(Identity.ConsolePasswordHash hash);
    Task ClearAsync();
}
