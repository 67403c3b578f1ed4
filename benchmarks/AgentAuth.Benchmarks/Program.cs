using AgentAuth.Benchmarks;
using AgentAuth.Benchmarks.Load;
using AgentAuth.Benchmarks.Reporting;
using AgentAuth.HttpSignatures.Cryptography;
using BenchmarkDotNet.Running;

// "load [options]" runs the end-to-end load generator; anything else goes to BenchmarkDotNet's switcher.
if (args.Length > 0 && args[0] == "load")
{
    return await LoadTest.RunAsync(args[1..]);
}

Ed25519Backend.Current = Ed25519BackendKind.Libsodium;
var summaries = BenchmarkSwitcher.FromAssembly(typeof(AuthenticationBenchmarks).Assembly).Run(args).ToList();
if (summaries.Count > 0)
{
    var report = TargetReport.Create(summaries);
    var path = Path.Combine(summaries[0].ResultsDirectoryPath, "targets.md");
    await File.WriteAllTextAsync(path, report);
    Console.WriteLine();
    Console.WriteLine(report);
    Console.WriteLine("Target table written to " + path);
}
return 0;
