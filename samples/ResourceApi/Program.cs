// The sample resource API. Everything it trusts comes from configuration: see appsettings.json and docs/configuration.md.
ResourceApi.ResourceApiApp.Build(args).Run();

/// <summary>Entry point, visible to integration tests.</summary>
public partial class Program;
