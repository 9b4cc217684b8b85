using Sparkle.Grains.Directory;
using Sparkle.GraphQL.Schema;

namespace Sparkle.GraphQL.Directory;

public sealed class SyncModeType : WireEnumType<SyncMode>
{
    public SyncModeType()
        : base("SyncMode", "full: the batch is the whole directory, what it omits is deleted; delta: upsert what it carries, delete only what it names.")
    {
    }
}
