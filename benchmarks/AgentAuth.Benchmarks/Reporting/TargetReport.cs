using System.Globalization;
using System.Text;
using BenchmarkDotNet.Reports;

namespace AgentAuth.Benchmarks.Reporting;

/// <summary>
/// Turns the BenchmarkDotNet summaries of one run into the target table: ratios of means measured in the same run
/// (so they hold on a noisy machine) and allocated bytes per operation.
/// </summary>
internal static class TargetReport
{
    private sealed record Target(string Figure, string Goal, Func<Lookup, (double? Value, string Text)> Measure, Func<double, bool> Met);

    private sealed class Lookup(IReadOnlyList<Summary> summaries)
    {
        public BenchmarkReport? Find(string type, string method)
        {
            foreach (var summary in summaries)
            {
                foreach (var report in summary.Reports)
                {
                    var d = report.BenchmarkCase.Descriptor;
                    if (d.Type.Name == type && d.WorkloadMethod.Name == method && report.ResultStatistics is not null)
                    {
                        return report;
                    }
                }
            }
            return null;
        }

        public double? Mean(string type, string method) => Find(type, method)?.ResultStatistics?.Mean;

        public long? Allocated(string type, string method) => Find(type, method) is { } r ? r.GcStats.GetBytesAllocatedPerOperation(r.BenchmarkCase) : null;

        public (double?, string) Ratio(string type, string method, string baseline)
        {
            var m = Mean(type, method);
            var b = Mean(type, baseline);
            if (m is null || b is null || b == 0)
            {
                return (null, "not measured");
            }
            var ratio = m.Value / b.Value;
            return (ratio, string.Create(CultureInfo.InvariantCulture, $"{ratio:0.000} ({Ns(m.Value)} / {Ns(b.Value)})"));
        }

        public (double?, string) Bytes(string type, params string[] methods)
        {
            long max = -1;
            var parts = new List<string>();
            foreach (var method in methods)
            {
                if (Allocated(type, method) is not { } bytes)
                {
                    return (null, "not measured");
                }
                max = Math.Max(max, bytes);
                parts.Add(string.Create(CultureInfo.InvariantCulture, $"{bytes} B"));
            }
            return (max, string.Join(", ", parts));
        }

        public (double?, string) BytesAboveFloor(string type, string floor, params string[] methods)
        {
            if (Allocated(type, floor) is not { } floorBytes)
            {
                return (null, "not measured");
            }
            long max = long.MinValue;
            var parts = new List<string>();
            foreach (var method in methods)
            {
                if (Allocated(type, method) is not { } bytes)
                {
                    return (null, "not measured");
                }
                max = Math.Max(max, bytes - floorBytes);
                parts.Add(string.Create(CultureInfo.InvariantCulture, $"{bytes - floorBytes} B"));
            }
            return (max, string.Join(", ", parts) + string.Create(CultureInfo.InvariantCulture, $" (floor {floorBytes} B)"));
        }

        private static string Ns(double ns) => ns >= 10_000
            ? string.Create(CultureInfo.InvariantCulture, $"{ns / 1000:0.0} µs")
            : string.Create(CultureInfo.InvariantCulture, $"{ns:0} ns");
    }

    private const string Auth = nameof(AuthenticationBenchmarks);

    private static readonly Target[] Targets =
    [
        new("signature base, both shapes", "0 B", l => l.Bytes(nameof(SignatureBaseBenchmarks), nameof(SignatureBaseBenchmarks.B26Request_Base), nameof(SignatureBaseBenchmarks.TenComponents_Base)), v => v <= 0),
        new("parsing one signature", "≤ 64 B", l => l.Bytes(nameof(SignatureParsingBenchmarks), nameof(SignatureParsingBenchmarks.OneSignatureParse)), v => v <= 64),
        new("signature-only time / bare Ed25519 verify", "≤ 1.10", l => l.Ratio(Auth, nameof(AuthenticationBenchmarks.SignatureOnly), nameof(AuthenticationBenchmarks.BareEd25519Verify)), v => v <= 1.10),
        new("signed-token time / bare Ed25519 verify of the signed-token base", "≤ 1.20", l => l.Ratio(Auth, nameof(AuthenticationBenchmarks.SignatureWithBoundToken), nameof(AuthenticationBenchmarks.BareEd25519VerifyBoundBase)), v => v <= 1.20),
        new("bearer time / ValidateTokenAsync ES256", "≤ 0.15", l => l.Ratio(Auth, nameof(AuthenticationBenchmarks.BearerEs256), nameof(AuthenticationBenchmarks.JwtHandlerValidateEs256)), v => v <= 0.15),
        new("allocations per authenticated request (signature-only, signed-token, bearer), beyond the framework floor", "≤ 2 KB", l => l.BytesAboveFloor(Auth, nameof(AuthenticationBenchmarks.FrameworkFloor), nameof(AuthenticationBenchmarks.SignatureOnly), nameof(AuthenticationBenchmarks.SignatureWithBoundToken), nameof(AuthenticationBenchmarks.BearerEs256)), v => v <= 2048),
        new("allocations per authenticated request (signature-only, signed-token, bearer), whole operation incl. context reset + scope", "≤ 2 KB", l => l.Bytes(Auth, nameof(AuthenticationBenchmarks.SignatureOnly), nameof(AuthenticationBenchmarks.SignatureWithBoundToken), nameof(AuthenticationBenchmarks.BearerEs256)), v => v <= 2048),
    ];

    /// <summary>Markdown: the target table, the informational ratios, and the environment.</summary>
    public static string Create(IReadOnlyList<Summary> summaries)
    {
        var lookup = new Lookup(summaries);
        var text = new StringBuilder();
        text.AppendLine("| figure | target | measured | met |").AppendLine("|---|---|---|---|");
        foreach (var target in Targets)
        {
            var (value, measured) = target.Measure(lookup);
            var met = value is { } v ? (target.Met(v) ? "yes" : "**no**") : "n/a";
            text.AppendLine(CultureInfo.InvariantCulture, $"| {target.Figure} | {target.Goal} | {measured} | {met} |");
        }
        text.AppendLine();
        text.AppendLine("The time ratios above are ratios of means from BenchmarkDotNet's sequential short job; on a shared VM they move by tens");
        text.AppendLine("of percent from run to run. The time targets are judged on the paired ratios (ratios-median.md); see docs/performance.md.");
        text.AppendLine();
        text.AppendLine("| informational | measured |").AppendLine("|---|---|");
        text.AppendLine(CultureInfo.InvariantCulture, $"| signed-token time / bare Ed25519 verify of the signature-only scenario's shorter base | {lookup.Ratio(Auth, nameof(AuthenticationBenchmarks.SignatureWithBoundToken), nameof(AuthenticationBenchmarks.BareEd25519Verify)).Item2} |");
        text.AppendLine(CultureInfo.InvariantCulture, $"| signature-only with a fresh DefaultHttpContext per request / bare Ed25519 verify | {lookup.Ratio(Auth, nameof(AuthenticationBenchmarks.SignatureOnlyFreshContext), nameof(AuthenticationBenchmarks.BareEd25519Verify)).Item2} |");
        text.AppendLine(CultureInfo.InvariantCulture, $"| allocations signature-only with a fresh DefaultHttpContext per request | {lookup.Bytes(Auth, nameof(AuthenticationBenchmarks.SignatureOnlyFreshContext)).Item2} |");
        text.AppendLine(CultureInfo.InvariantCulture, $"| signed-token-no-cache time / bare Ed25519 verify of the signed-token base (token cache off) | {lookup.Ratio(Auth, nameof(AuthenticationBenchmarks.SignatureWithBoundTokenNoCache), nameof(AuthenticationBenchmarks.BareEd25519VerifyBoundBase)).Item2} |");
        text.AppendLine(CultureInfo.InvariantCulture, $"| dpop time / bare Ed25519 verify (DPoP) | {lookup.Ratio(Auth, nameof(AuthenticationBenchmarks.DPoPBoundToken), nameof(AuthenticationBenchmarks.BareEd25519Verify)).Item2} |");
        text.AppendLine(CultureInfo.InvariantCulture, $"| no-credentials request / bare Ed25519 verify (scope + context + AuthenticateAsync) | {lookup.Ratio(Auth, nameof(AuthenticationBenchmarks.NoCredentials), nameof(AuthenticationBenchmarks.BareEd25519Verify)).Item2} |");
        text.AppendLine(CultureInfo.InvariantCulture, $"| allocations signed-token-no-cache, dpop, no credentials, framework floor | {lookup.Bytes(Auth, nameof(AuthenticationBenchmarks.SignatureWithBoundTokenNoCache), nameof(AuthenticationBenchmarks.DPoPBoundToken), nameof(AuthenticationBenchmarks.NoCredentials), nameof(AuthenticationBenchmarks.FrameworkFloor)).Item2} |");
        text.AppendLine(CultureInfo.InvariantCulture, $"| parsing three signatures | {lookup.Bytes(nameof(SignatureParsingBenchmarks), nameof(SignatureParsingBenchmarks.ThreeSignaturesParse)).Item2} |");
        if (summaries.Count > 0)
        {
            var host = summaries[0].HostEnvironmentInfo;
            text.AppendLine();
            text.AppendLine("```");
            foreach (var line in host.ToFormattedString())
            {
                text.AppendLine(line);
            }
            text.AppendLine(CultureInfo.InvariantCulture, $"Ed25519: NSec.Cryptography {typeof(NSec.Cryptography.SignatureAlgorithm).Assembly.GetName().Version} (bundled libsodium)");
            text.AppendLine("```");
        }
        return text.ToString();
    }
}
