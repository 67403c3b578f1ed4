namespace AgentAuth.Demo;

/// <summary>One row of the tour's table.</summary>
/// <param name="Scenario">What is being tried.</param>
/// <param name="Request">The method and path.</param>
/// <param name="Expected">The expected status (and error code).</param>
/// <param name="Status">The status the server answered.</param>
/// <param name="Reason">The server's error code and description, or what the success shows.</param>
/// <param name="Matches">Whether the outcome is the expected one.</param>
public sealed record ScenarioResult(string Scenario, string Request, string Expected, int Status, string Reason, bool Matches);
