namespace Sparkle.Grains.Tenants;

/// <summary>Index entry of one refresh token (key: its SHA-256, hex). Kept after the token is spent, until the
/// session's absolute expiry, so a reused token is recognised and revokes its session.</summary>
public sealed class RefreshTokenGrain(
    [PersistentState(stateName: "refresh-token", storageName: SparkleStorage.Name)] IPersistentState<RefreshTokenState> state)
    : Grain, IRefreshTokenGrain
{
    public async Task BindAsync(Guid tenantId, string number, Guid sessionId, DateTimeOffset expiresAt)
    {
        state.State = new RefreshTokenState { TenantId = tenantId, Number = number, SessionId = sessionId, ExpiresAt = expiresAt };
        await state.WriteStateAsync();
    }

    public async Task<ConsoleSessionGrant?> RedeemAsync(DateTimeOffset now)
    {
        if (!state.RecordExists)
        {
            return null;
        }

        if (now >= state.State.ExpiresAt)
        {
            await state.ClearStateAsync();
            return null;
        }

        return await Sessions().RotateAsync(state.State.SessionId, this.GetPrimaryKeyString(), now);
    }

    public async Task RevokeAsync()
    {
        if (state.RecordExists)
        {
            await Sessions().RevokeAsync(state.State.SessionId, this.GetPrimaryKeyString());
        }
    }

    private IConsoleSessionGrain Sessions() =>
        GrainFactory.GetGrain<IConsoleSessionGrain>(UserKey.For(state.State.TenantId, state.State.Number));
}
