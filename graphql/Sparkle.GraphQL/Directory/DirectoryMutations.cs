using GraphQL;
using GraphQL.Types;
using Sparkle.Grains.Directory;
using Sparkle.Grains.Identity;
using Sparkle.Grains.Tenants;
using Sparkle.GraphQL.Schema;

namespace Sparkle.GraphQL.Directory;

public static class DirectoryMutations
{
    public const int MaxContactsPerCall = 50_000;

    public static void AddTo(ObjectGraphType mutation)
    {
        mutation.Field<NonNullGraphType<DirectorySyncReportType>>("syncDirectory")
            .Description("HR/OA directory sync: idempotent bulk upsert keyed by external id, with a report.")
            .Argument<NonNullGraphType<DirectorySyncInputType>>("input")
            .ResolveAsync(async ctx =>
            {
                var caller = ctx.Caller();
                var batch = ctx.GetArgument<DirectorySyncBatch>("input");
                if (batch.Contacts.Count > MaxContactsPerCall)
                {
                    throw ResolveContextExtensions.BadInput($"At most {MaxContactsPerCall} contacts per call.");
                }
                return await ctx.Grains().GetGrain<IDirectoryGrain>(caller.TenantId).SyncAsync(caller, batch);
            });

        mutation.Field<NonNullGraphType<ContactType>>("upsertContact")
            .Description("Adds or replaces one directory contact.")
            .Argument<NonNullGraphType<ContactInputType>>("input")
            .ResolveAsync(async ctx =>
            {
                var caller = ctx.Caller();
                return await ctx.Grains().GetGrain<IDirectoryGrain>(caller.TenantId).UpsertContactAsync(caller, ctx.GetArgument<Contact>("input"));
            });

        mutation.Field<NonNullGraphType<BooleanGraphType>>("deleteContact")
            .Argument<NonNullGraphType<IdGraphType>>("externalId")
            .ResolveAsync(async ctx =>
            {
                var caller = ctx.Caller();
                return await ctx.Grains().GetGrain<IDirectoryGrain>(caller.TenantId).DeleteContactAsync(caller, ctx.GetArgument<string>("externalId"));
            });

        mutation.Field<NonNullGraphType<ContactType>>("upsertMyContact")
            .Description("Adds or replaces one of the caller's personal contacts.")
            .Argument<NonNullGraphType<ContactInputType>>("input")
            .ResolveAsync(async ctx =>
            {
                var caller = ctx.Caller();
                return await PersonalContacts(ctx, caller).UpsertAsync(caller, ctx.GetArgument<Contact>("input"));
            });

        mutation.Field<NonNullGraphType<BooleanGraphType>>("deleteMyContact")
            .Argument<NonNullGraphType<IdGraphType>>("externalId")
            .ResolveAsync(async ctx =>
            {
                var caller = ctx.Caller();
                return await PersonalContacts(ctx, caller).DeleteAsync(caller, ctx.GetArgument<string>("externalId"));
            });
    }

    /// <summary>Personal contacts belong to a user: sync jobs and the operator have none.</summary>
    internal static IPersonalContactsGrain PersonalContacts(IResolveFieldContext ctx, Caller caller) =>
        caller.UserNumber is { } number
            ? ctx.Grains().GetGrain<IPersonalContactsGrain>(UserKey.For(caller.TenantId, number))
            : throw ResolveContextExtensions.Forbidden("Only users have personal contacts.");
}
