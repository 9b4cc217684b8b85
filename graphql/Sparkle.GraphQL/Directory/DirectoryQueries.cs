using GraphQL;
using GraphQL.Types;
using Sparkle.Grains.Directory;
using Sparkle.Grains.Listings;
using Sparkle.Grains.Tenants;
using Sparkle.GraphQL.Paging;
using Sparkle.GraphQL.Schema;

namespace Sparkle.GraphQL.Directory;

public static class DirectoryQueries
{
    public const int MaxSearchLimit = 1000;

    public static void AddTo(ObjectGraphType query)
    {
        query.Field<NonNullGraphType<ListGraphType<NonNullGraphType<ContactType>>>>("directory")
            .Description("Searches the tenant's enterprise directory by name, number or e-mail.")
            .Argument<StringGraphType>("search")
            .Argument<IntGraphType>("limit", a => a.DefaultValue = 50)
            .ResolveAsync(async ctx =>
            {
                var caller = ctx.Caller();
                var limit = ctx.GetArgument("limit", 50);
                if (limit is < 1 or > MaxSearchLimit)
                {
                    throw ResolveContextExtensions.BadInput($"limit must be between 1 and {MaxSearchLimit}.");
                }
                return await ctx.Grains().GetGrain<IDirectoryGrain>(caller.TenantId).SearchAsync(caller, ctx.GetArgument<string?>("search"), limit);
            });

        query.Field<NonNullGraphType<ListGraphType<NonNullGraphType<DepartmentType>>>>("departments")
            .ResolveAsync(async ctx =>
            {
                var caller = ctx.Caller();
                return await ctx.Grains().GetGrain<IDirectoryGrain>(caller.TenantId).ListDepartmentsAsync(caller);
            });

        query.Field<ContactType>("contact")
            .Argument<NonNullGraphType<IdGraphType>>("externalId")
            .ResolveAsync(async ctx =>
            {
                var caller = ctx.Caller();
                return await ctx.Grains().GetGrain<IDirectoryGrain>(caller.TenantId).GetContactAsync(caller, ctx.GetArgument<string>("externalId"));
            });

        query.Field<NonNullGraphType<ConnectionGraphType<ContactType, Contact>>>("myContacts")
            .Description("The caller's personal contacts by name, one page. Paged from the caller's whole contact list.")
            .PagingArguments()
            .Argument<StringGraphType>("search", a => a.Description = "Only contacts whose name or numbers contain this text (case-insensitive).")
            .ResolveAsync(async ctx =>
            {
                var caller = ctx.Caller();
                var first = Pager.First(ctx);
                var after = Pager.After(ctx, "myContacts", "name_asc");
                var search = ctx.GetArgument<string?>("search");
                var contacts = (await DirectoryMutations.PersonalContacts(ctx, caller).ListAsync(caller))
                    .Where(c => string.IsNullOrEmpty(search) || Matches(c, search));
                return Pager.InMemory("myContacts", "name_asc", contacts,
                    c => new ListingPosition(c.DisplayName.ToLowerInvariant(), c.ExternalId), first, after);
            });
    }

    private static bool Matches(Contact contact, string search) =>
        new[] { contact.DisplayName, contact.SipNumber, contact.Mobile, contact.Landline }
            .Any(text => text?.Contains(search, StringComparison.OrdinalIgnoreCase) == true);
}
