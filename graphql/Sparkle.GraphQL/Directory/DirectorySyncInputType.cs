using GraphQL.Types;
using Sparkle.Grains.Directory;
using Sparkle.GraphQL.Schema;

namespace Sparkle.GraphQL.Directory;

public sealed class DirectorySyncInputType : InputObjectGraphType<DirectorySyncBatch>
{
    public DirectorySyncInputType()
    {
        Name = "DirectorySyncInput";
        Description = "An HR/OA batch keyed by external ids (up to 10,000 contacts per call, more is allowed for full syncs).";
        Field<NonNullGraphType<SyncModeType>>("mode");
        Field<ListGraphType<NonNullGraphType<DepartmentInputType>>>("departments");
        Field<ListGraphType<NonNullGraphType<ContactInputType>>>("contacts");
        Field<ListGraphType<NonNullGraphType<IdGraphType>>>("deleteContactIds").Description("Delta mode: contacts to delete.");
        Field<ListGraphType<NonNullGraphType<IdGraphType>>>("deleteDepartmentIds").Description("Delta mode: departments to delete.");
    }

    public override object ParseDictionary(IDictionary<string, object?> value) =>
        new DirectorySyncBatch(
            value.Value<SyncMode>("mode"),
            value.List<Department>("departments"),
            value.List<Contact>("contacts"),
            value.Has("deleteContactIds") ? value.List<object>("deleteContactIds").Select(o => o.ToString()!).ToList() : null,
            value.Has("deleteDepartmentIds") ? value.List<object>("deleteDepartmentIds").Select(o => o.ToString()!).ToList() : null);
}
