namespace AgentAuth.Demo;

/// <summary>
/// <c>dotnet run --project samples/Demo</c>: a token issuer, the resource API and a signing agent in one process, a scripted
/// tour of allowed and refused requests, and a non-zero exit code when any outcome differs from the expected one.
/// </summary>
public static class DemoProgram
{
    /// <summary>Runs the tour and prints its table.</summary>
    /// <returns>0 when every outcome is the expected one.</returns>
    public static async Task<int> Main()
    {
        using var cancellation = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        return await DemoTour.RunAsync(Console.Out, cancellation.Token);
    }
}
