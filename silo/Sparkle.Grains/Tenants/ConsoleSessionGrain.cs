using Sparkle.Grains.Internal;
using Sparkle.Grains.Security;

namespace Sparkle.Grains.Tenants;

/// <summary>One user's web-console sessions (see <see cref="IConsoleSessionGrain"/>). Persisted, so a refresh
/// works on any API host and after restarts; the role is read from the tenant grain at every refresh, so a
/// removed user's sessions end at their next refresh.</summary>
public sealed class ConsoleSessionGrain(
    [PersistentState(stateName: "console-sessions", storageName: SparkleStorage.Name)] IPersistentState<ConsoleSessionState> state)
    : Grain, IConsoleSessionGrain
{
    /// <summary>A session left alone this long ends.</summary>
    public static readonly TimeSpan SlidingLifetime = TimeSpan.FromHours(12);
    /// <summary>No session outlives this, however active.</summary>
    public static readonly TimeSpan AbsoluteLifetime = TimeSpan.FromDays(7);
    /// <summary>Sessions per user beyond which the oldest are dropped.</summary>
    private const int MaxSessions = 50;
    private const int MaxRotatedPerSession = 1_000;

    private (Guid TenantId, string Number) Key => Access.ParseUserKey(this.GetPrimaryKeyString());

    public async Task<ConsoleSessionGrant?> StartAsync(DateTimeOffset now)
    {
        var user = await FindUserAsync();
        if (user is null)
        {
            return null;
        }

        Prune(now);
        while (state.State.Sessions.Count >= MaxSessions)
        {
            state.State.Sessions.Remove(state.State.Sessions.MinBy(s => s.Value.AbsoluteExpiry).Key);
        }

        var (token, hash) = RefreshTokens.New();
        var sessionId = Guid.NewGuid();
        var session = new ConsoleSessionRecord
        {
            CurrentHash = hash,
            SlidingExpiry = now + SlidingLifetime,
            AbsoluteExpiry = now + AbsoluteLifetime,
        };
        state.State.Sessions[sessionId] = session;
        await state.WriteStateAsync();
        await BindAsync(hash, sessionId, session);
        return new ConsoleSessionGrant(user.TenantId, user.Number, user.Role, sessionId, token);
    }

    public async Task<ConsoleSessionGrant?> RotateAsync(Guid sessionId, string tokenHash, DateTimeOffset now)
    {
        if (!state.State.Sessions.TryGetValue(sessionId, out var session))
        {
            return null;
        }

        if (session.CurrentHash != tokenHash)
        {
            if (session.RotatedHashes.Contains(tokenHash))
            {
                // A spent token came back: someone holds a copy. End the whole family.
                state.State.Sessions.Remove(sessionId);
                await state.WriteStateAsync();
            }

            return null;
        }

        var user = await FindUserAsync();
        if (user is null || now >= session.SlidingExpiry || now >= session.AbsoluteExpiry)
        {
            if (user is null)
            {
                state.State.Sessions.Clear();
            }
            else
            {
                state.State.Sessions.Remove(sessionId);
            }

            await state.WriteStateAsync();
            return null;
        }

        var (token, hash) = RefreshTokens.New();
        session.RotatedHashes.Add(session.CurrentHash);
        if (session.RotatedHashes.Count > MaxRotatedPerSession)
        {
            session.RotatedHashes.RemoveAt(0);
        }

        session.CurrentHash = hash;
        var sliding = now + SlidingLifetime;
        session.SlidingExpiry = sliding < session.AbsoluteExpiry ? sliding : session.AbsoluteExpiry;
        await state.WriteStateAsync();
        await BindAsync(hash, sessionId, session);
        return new ConsoleSessionGrant(user.TenantId, user.Number, user.Role, sessionId, token);
    }

    public async Task RevokeAsync(Guid sessionId, string tokenHash)
    {
        if (state.State.Sessions.TryGetValue(sessionId, out var session)
            && (session.CurrentHash == tokenHash || session.RotatedHashes.Contains(tokenHash)))
        {
            state.State.Sessions.Remove(sessionId);
            await state.WriteStateAsync();
        }
    }

    public async Task RevokeAllAsync(Guid? except)
    {
        var doomed = state.State.Sessions.Keys.Where(id => id != except).ToList();
        if (doomed.Count == 0)
        {
            return;
        }

        foreach (var id in doomed)
        {
            state.State.Sessions.Remove(id);
        }

        await state.WriteStateAsync();
    }

    private Task<UserInfo?> FindUserAsync() => GrainFactory.GetGrain<ITenantUsersGrain>(Key.TenantId).FindUserAsync(Key.Number);

    private Task BindAsync(string hash, Guid sessionId, ConsoleSessionRecord session) =>
        GrainFactory.GetGrain<IRefreshTokenGrain>(hash).BindAsync(Key.TenantId, Key.Number, sessionId, session.AbsoluteExpiry);

    private void Prune(DateTimeOffset now)
    {
        foreach (var (id, session) in state.State.Sessions.ToList())
        {
            if (now >= session.SlidingExpiry || now >= session.AbsoluteExpiry)
            {
                state.State.Sessions.Remove(id);
            }
        }
    }
}
