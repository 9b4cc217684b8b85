using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace Sparkle.GraphQL.Identity;

/// <summary>The local issuer's ECDSA P-256 key, kept as PKCS#8 PEM in the key folder and generated on
/// first start. Only the owner may read the file.</summary>
public sealed class SigningKeyStore : IDisposable
{
    private const string FileName = "api-signing-key.pem";
    private readonly ECDsa _ecdsa;

    public SigningKeyStore(IOptions<SparkleIdentityOptions> options)
        : this(options.Value.KeyFolder)
    {
    }

    public SigningKeyStore(string keyFolder)
    {
        KeyPath = Path.GetFullPath(Path.Combine(keyFolder, FileName));
        _ecdsa = LoadOrCreate(KeyPath);
        var thumbprint = SHA256.HashData(_ecdsa.ExportSubjectPublicKeyInfo());
        Key = new ECDsaSecurityKey(_ecdsa)
        {
            KeyId = Base64UrlEncoder.Encode(thumbprint.AsSpan(0, 12).ToArray()),
            // IdentityModel's default factory caches signature providers process-wide by key id: a second store of
            // the same key file (an API host restarted in-process) would sign with this store's disposed ECDsa.
            CryptoProviderFactory = new CryptoProviderFactory { CacheSignatureProviders = false },
        };
    }

    public string KeyPath { get; }

    public ECDsaSecurityKey Key { get; }

    public SigningCredentials Credentials => new(Key, SecurityAlgorithms.EcdsaSha256);

    public void Dispose() => _ecdsa.Dispose();

    private static ECDsa LoadOrCreate(string path)
    {
        if (!File.Exists(path))
        {
            System.IO.Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            using var fresh = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            var temp = path + "." + Guid.NewGuid().ToString("N") + ".tmp";
            File.WriteAllText(temp, fresh.ExportPkcs8PrivateKeyPem());
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(temp, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            }
            try
            {
                // Another process may have created it meanwhile: theirs wins, so both sign alike.
                File.Move(temp, path, overwrite: false);
            }
            catch (IOException) when (File.Exists(path))
            {
                File.Delete(temp);
            }
        }
        var ecdsa = ECDsa.Create();
        ecdsa.ImportFromPem(File.ReadAllText(path));
        return ecdsa;
    }
}
