using System.Collections.Concurrent;
using System.Security.Cryptography;
using Sparkle.Grains.Recordings;
using Sparkle.Recordings;

namespace Sparkle.Grains.Tests.Infrastructure;

/// <summary>A stand-in key ring for grain tests where the crypto is not what is tested (the real
/// FileKeyRing is Sparkle.Recordings' and is tested there): it keeps each tenant's key versions in memory
/// and "wraps" a data key by XOR with the version's key, which is enough to check that rotation, forgetting
/// and unwrapping go through TenantKeyGrain to the service of the silo.</summary>
public sealed class InMemoryKeyService : IKeyEncryptionService
{
    private readonly ConcurrentDictionary<Guid, List<(string Id, byte[] Key)>> _rings = new();

    public Task<DataKey> GenerateDataKeyAsync(Guid tenantId, CancellationToken cancellationToken = default)
    {
        var (id, kek) = Current(tenantId);
        var plain = RandomNumberGenerator.GetBytes(32);
        return Task.FromResult(new DataKey(plain, new WrappedKey(id, Xor(plain, kek))));
    }

    public Task<byte[]> UnwrapAsync(Guid tenantId, WrappedKey key, CancellationToken cancellationToken = default)
    {
        lock (Ring(tenantId))
        {
            var version = Ring(tenantId).FirstOrDefault(v => v.Id == key.KeyId);
            return version.Key is null
                ? throw new KeyUnavailableException($"Key {key.KeyId} was forgotten.")
                : Task.FromResult(Xor(key.Ciphertext, version.Key));
        }
    }

    public Task RotateAsync(Guid tenantId, bool forgetOld, CancellationToken cancellationToken = default)
    {
        var ring = Ring(tenantId);
        lock (ring)
        {
            if (forgetOld)
            {
                ring.Clear();
            }

            ring.Add(($"k{Guid.NewGuid():N}", RandomNumberGenerator.GetBytes(32)));
        }

        return Task.CompletedTask;
    }

    public Task ForgetTenantAsync(Guid tenantId, CancellationToken cancellationToken = default)
    {
        _rings.TryRemove(tenantId, out _);
        return Task.CompletedTask;
    }

    private List<(string Id, byte[] Key)> Ring(Guid tenantId) => _rings.GetOrAdd(tenantId, _ => []);

    private (string Id, byte[] Key) Current(Guid tenantId)
    {
        var ring = Ring(tenantId);
        lock (ring)
        {
            if (ring.Count == 0)
            {
                ring.Add(($"k{Guid.NewGuid():N}", RandomNumberGenerator.GetBytes(32)));
            }

            return ring[^1];
        }
    }

    private static byte[] Xor(byte[] data, byte[] key) => data.Select((b, i) => (byte)(b ^ key[i % key.Length])).ToArray();
}
