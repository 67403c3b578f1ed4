namespace AgentAuth.AspNetCore.Integrations.Tests;

/// <summary>
/// Tests that collect the scheme's traces and metrics: the <c>AgentAuth.AspNetCore</c> activity source and meter are
/// listened to by name, process-wide, so a host another test runs at the same time (the OpenAPI tests start the sample,
/// whose authentication middleware also opens an <c>AgentAuth.Authenticate</c> span) would add to the counts. These run alone.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ProcessWideTelemetryCollection
{
    public const string Name = "process-wide telemetry";
}
