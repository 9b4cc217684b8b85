using GraphQL;
using GraphQL.Types;
using GraphQL.Utilities;

namespace Sparkle.GraphQL.Schema;

/// <summary>The schema's SDL as checked in at graphql/schema.graphql.</summary>
public static class SchemaSdl
{
    public static string Print(ISchema schema) =>
        schema.Print(new PrintOptions { IncludeDescriptions = true, IncludeDeprecationReasons = true }).ReplaceLineEndings("\n").TrimEnd() + "\n";
}
