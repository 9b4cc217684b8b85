namespace Sparkle.GraphQL.Identity;

/// <summary>What a token lets its bearer do, as carried in "scp" (delegated) or "roles" (app) claims.</summary>
public static class ApiScopes
{
    /// <summary>A tenant user acting with their tenant role.</summary>
    public const string Api = "api";
    /// <summary>An HR/OA job: directory synchronisation only.</summary>
    public const string DirectorySync = "directory.sync";
    /// <summary>The SaaS operator: tenant administration only.</summary>
    public const string Operator = "operator";
}
