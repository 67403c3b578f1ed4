using AgentAuth.AspNetCore;
using Microsoft.Extensions.DependencyInjection;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using AgentAuth.AspNetCore.Tests.DPoP;
using AgentAuth.HttpSignatures;
using AgentAuth.HttpSignatures.Cryptography;
using AgentAuth.HttpSignatures.StructuredFields;
using FsCheck;
using FsCheck.Fluent;
using Microsoft.Extensions.Logging;
using Xunit.Abstractions;

namespace AgentAuth.AspNetCore.Tests.Security;

/// <summary>
/// Property tests over the whole scheme (in-process pipeline, no sockets): valid requests of every mode are mutated
/// (FsCheck-generated edits of <c>Signature-Input</c>, <c>Signature</c>, <c>Authorization</c>, <c>DPoP</c>,
/// <c>Content-Digest</c>, covered fields, method, target, authority, body) and sent through the handler. For every case:
/// no exception reaches the handler's last-resort catch (no Error log), nothing is answered with 5xx, and a mutated
/// request is accepted only when it is the same request in HTTP terms (see <see cref="SameRequest"/>).
/// <c>AGENTAUTH_FUZZ_CASES</c> sets the number of cases (docs/security.md records the long run).
/// </summary>
public sealed class MutationPropertyTests
{
    private readonly ITestOutputHelper _output;

    public MutationPropertyTests(ITestOutputHelper output) => _output = output;

    private static Gen<RequestMutation> MutationGen(MutationTarget[] targets) =>
        from target in Gen.Elements(targets)
        from kind in Gen.Elements(Enum.GetValues<MutationKind>())
        from position in Gen.Choose(0, 4096)
        from length in Gen.Choose(1, 24)
        from c in Gen.Elements(RequestMutation.InterestingChars)
        from fragment in Gen.Elements(RequestMutation.Fragments)
        select new RequestMutation(target, kind, position, length, c, fragment);

    private static Gen<(int Seed, RequestMutation[] Mutations)> CaseGen(Seed[] seeds) =>
        from seed in Gen.Choose(0, seeds.Length - 1)
        from count in Gen.Frequency((6, Gen.Constant(1)), (3, Gen.Constant(2)), (1, Gen.Constant(3)))
        from mutations in Gen.ArrayOf(MutationGen(seeds[seed].Targets), count)
        select (seed, mutations);

    /// <summary>A valid request and the parts of it a mutation may touch (all of them covered or credentials).</summary>
    private sealed record Seed(string Name, TestRequest Request, MutationTarget[] Targets);

    private static Seed[] BuildSeeds(SignatureKey dpopKey)
    {
        var common = new[] { MutationTarget.SignatureInput, MutationTarget.Signature, MutationTarget.Method, MutationTarget.Target, MutationTarget.Authority };

        var signedGet = TestRequest.Get("/data/a%2Db?x=1&y=two").Sign(SecurityApp.AgentKey);

        var signedPost = TestRequest.Post("/data", "{\"amount\":100,\"to\":\"alice\"}");
        signedPost.Sign(SecurityApp.AgentKey, components:
        [
            SignatureComponent.Method, SignatureComponent.Authority, SignatureComponent.Path,
            SignatureComponent.Field("content-type"), SignatureComponent.Field("content-digest"),
        ]);

        // A signature that carries a token must have a nonce; the app below accepts every nonce so that the replay check,
        // which runs last, cannot hide a mutation that every other check wrongly let through.
        var bound = TestRequest.Get("/data").Set("authorization", "Bearer " + SecurityApp.BoundToken(SecurityApp.AgentKey))
            .Sign(SecurityApp.AgentKey, new SignatureParameters { Created = SecurityApp.Now, Nonce = "mutation-seed" });

        var dpopToken = SecurityApp.BoundToken(dpopKey);
        var proof = new TestProofBuilder(dpopKey, "ES256", "GET", "https://api.example/data", dpopToken, SecurityApp.Now).Build();
        var dpop = TestRequest.Get("/data").Set("authorization", "DPoP " + dpopToken).Set("dpop", proof);

        var bearer = TestRequest.Get("/data").Set("authorization", "Bearer " + SecurityApp.Token());

        return
        [
            new("signed GET with query", signedGet, common),
            new("signed POST with body", signedPost, [.. common, MutationTarget.ContentDigest, MutationTarget.ContentType, MutationTarget.Body]),
            new("signed GET with key-bound token", bound, [.. common, MutationTarget.Authorization]),
            new("DPoP", dpop, [MutationTarget.Authorization, MutationTarget.DPoP, MutationTarget.Method, MutationTarget.Target, MutationTarget.Authority]),
            new("bearer", bearer, [MutationTarget.Authorization]),
        ];
    }

    [Fact]
    public async Task Mutated_requests_are_refused_without_5xx_or_exceptions()
    {
        var cases = FuzzSettings.Cases(20_000);
        // Worker w generates from seed + w; AGENTAUTH_FUZZ_SEED=<seed> with the same case count replays the campaign.
        var campaignSeed = FuzzSettings.Seed();
        _output.WriteLine("mutation seed=" + campaignSeed + " (" + FuzzSettings.SeedVariable + " replays this campaign)");
        using var dpopKey = SignatureKey.GenerateEcdsaP256();
        var seeds = BuildSeeds(dpopKey);
        await using var app = SecurityApp.Create(o => o.AllowBearerTokens = true,
            services => services.AddSingleton<IReplayCache, AcceptEveryValueReplayCache>(), logLevel: LogLevel.Warning);

        // Every seed is accepted unmutated (the DPoP proof once, since its jti is then spent).
        foreach (var seed in seeds)
        {
            var response = await app.SendAsync(seed.Request.Clone());
            Assert.True(response.Status == 200, seed.Name + ": " + response);
        }

        var outcomes = new ConcurrentDictionary<string, long>(StringComparer.Ordinal);
        long accepted = 0;
        var workers = Math.Clamp(Environment.ProcessorCount, 1, 2);
        var stopwatch = Stopwatch.StartNew();
        var tasks = new Task[workers];
        for (var w = 0; w < workers; w++)
        {
            var share = cases / workers + (w < cases % workers ? 1 : 0);
            var worker = w;
            tasks[w] = Task.Factory.StartNew(() =>
            {
                var replay = new FsCheck.Replay(new Rnd(unchecked(campaignSeed + (ulong)worker)), Microsoft.FSharp.Core.FSharpOption<int>.None);
                var config = Config.QuickThrowOnFailure.WithMaxTest(share).WithQuietOnSuccess(true)
                    .WithReplay(Microsoft.FSharp.Core.FSharpOption<FsCheck.Replay>.Some(replay));
                Prop.ForAll(CaseGen(seeds).ToArbitrary(), testCase =>
                {
                    var seed = seeds[testCase.Seed];
                    var mutated = seed.Request.Clone();
                    foreach (var mutation in testCase.Mutations)
                    {
                        mutation.Apply(mutated);
                    }
                    var response = app.SendAsync(mutated).GetAwaiter().GetResult();
                    var key = response.Status + " " + (response.SignatureError ?? FirstError(response));
                    outcomes.AddOrUpdate(key, 1, (_, n) => n + 1);

                    Assert.True(response.Status < 500, "seed=" + campaignSeed + " " + seed.Name + ": " + string.Join("; ", testCase.Mutations.Select(m => m.ToString())) + " -> " + response);
                    if (response.Status == 200)
                    {
                        Interlocked.Increment(ref accepted);
                        Assert.True(SameRequest(seed.Request, mutated, out var difference) || QueryOnlyChangeUnderDPoP(seed, mutated, difference),
                            "seed=" + campaignSeed + " " + seed.Name + " accepted a changed request (" + difference + "): " + string.Join("; ", testCase.Mutations.Select(m => m.ToString())));
                    }
                }).Check(config);
            }, TaskCreationOptions.LongRunning);
        }
        await Task.WhenAll(tasks);
        stopwatch.Stop();

        var errors = app.Logs.Events.Where(e => e.Level >= LogLevel.Error).ToArray();
        Assert.True(errors.Length == 0, "Errors were logged: " + string.Join("\n", errors.Select(e => e.Id.Name + ": " + e.Message)));

        var summary = new StringBuilder()
            .Append("mutation cases=").Append(cases)
            .Append(" seed=").Append(campaignSeed)
            .Append(" seconds=").Append(stopwatch.Elapsed.TotalSeconds.ToString("F1", System.Globalization.CultureInfo.InvariantCulture))
            .Append(" accepted-equivalent=").Append(accepted)
            .Append(" 5xx=0 errors-logged=0 outcomes: ")
            .AppendJoin(", ", outcomes.OrderByDescending(p => p.Value).Select(p => p.Key + " x" + p.Value))
            .ToString();
        _output.WriteLine(summary);
        if (FuzzSettings.ReportPath is { } path)
        {
            await File.AppendAllTextAsync(path, summary + Environment.NewLine);
        }
    }

    private static string FirstError(SecurityResponse response)
    {
        var challenge = response.Headers.WWWAuthenticate.Count > 0 ? response.Headers.WWWAuthenticate[0] ?? "" : "";
        var at = challenge.IndexOf("error=\"", StringComparison.Ordinal);
        if (at < 0)
        {
            return challenge.Split(' ')[0];
        }
        var start = at + 7;
        return challenge.Split(' ')[0] + " " + challenge[start..challenge.IndexOf('"', start)];
    }

    /// <summary>
    /// Whether two requests are the same in HTTP terms: same method, raw target and body; authority equal after RFC 9421
    /// normalization (case, default port); and every field equal after unfolding (<see cref="Unfold"/>) and joining field
    /// lines with ", " (RFC 9110 §5.3); signature and digest fields equal as structured-field dictionaries.
    /// </summary>
    /// <summary>
    /// RFC 9449 §4.3: <c>htu</c> is the request URI without query and fragment, compared after RFC 3986 §6.2.2/§6.2.3
    /// normalization. A target that differs only in its query, or that normalizes to the same URI (dot segments,
    /// percent-encoded unreserved characters), is the same <c>htu</c>: not a change a DPoP proof can refuse.
    /// </summary>
    private static bool QueryOnlyChangeUnderDPoP(Seed seed, TestRequest mutated, string difference) =>
        seed.Name == "DPoP" && difference == "target"
        && DPoPHtu.Matches("https://" + SecurityApp.Authority + PathOf(seed.Request.Target), "https://" + SecurityApp.Authority, mutated.Target)
        && DPoPFieldsUnchanged(seed.Request, mutated);

    private static string PathOf(string target)
    {
        var query = target.IndexOf('?', StringComparison.Ordinal);
        return query < 0 ? target : target[..query];
    }

    private static bool DPoPFieldsUnchanged(TestRequest original, TestRequest mutated)
    {
        var probe = original.Clone();
        probe.Target = mutated.Target;
        return SameRequest(probe, mutated, out _);
    }

    internal static bool SameRequest(TestRequest original, TestRequest mutated, out string difference)
    {
        difference = "";
        if (!string.Equals(original.Method, mutated.Method, StringComparison.Ordinal))
        {
            difference = "method";
            return false;
        }
        if (!string.Equals(original.Target, mutated.Target, StringComparison.Ordinal))
        {
            difference = "target";
            return false;
        }
        if (!string.Equals(NormalizeAuthority(original.Authority), NormalizeAuthority(mutated.Authority), StringComparison.Ordinal))
        {
            difference = "authority";
            return false;
        }
        if (!(original.Body ?? []).AsSpan().SequenceEqual(mutated.Body ?? []))
        {
            difference = "body";
            return false;
        }
        var names = original.Headers.Select(h => h.Key.ToLowerInvariant()).Concat(mutated.Headers.Select(h => h.Key.ToLowerInvariant())).Distinct();
        foreach (var name in names)
        {
            if (!string.Equals(Joined(original, name), Joined(mutated, name), StringComparison.Ordinal)
                && !(name is "signature-input" or "content-digest" && SameDictionary(Joined(original, name), Joined(mutated, name), null))
                && !(name is "signature" && SameDictionary(Joined(original, name), Joined(mutated, name), "sig1"))
                && !(name is "authorization" && SameCredentials(Joined(original, name), Joined(mutated, name))))
            {
                difference = name + ": '" + Joined(original, name) + "' became '" + Joined(mutated, name) + "'";
                return false;
            }
        }
        return true;
    }

    /// <summary>
    /// The auth-scheme of a credential is case-insensitive (RFC 9110 §11.1): <c>BeArer x</c> is the request <c>Bearer x</c>.
    /// The credential itself is compared exactly.
    /// </summary>
    private static bool SameCredentials(string? original, string? mutated)
    {
        if (original is null || mutated is null)
        {
            return false;
        }
        var a = original.IndexOf(' ', StringComparison.Ordinal);
        var b = mutated.IndexOf(' ', StringComparison.Ordinal);
        return a > 0 && a == b
            && string.Equals(original[..a], mutated[..b], StringComparison.OrdinalIgnoreCase)
            && string.Equals(original[a..], mutated[b..], StringComparison.Ordinal);
    }

    /// <summary>
    /// Structured-field dictionaries that serialize alike (RFC 8941 §4.1) are the same field, whatever the spacing. For
    /// <c>Signature</c> only the verified member counts: other members sign nothing the verifier relies on (RFC 9421 §4.3).
    /// </summary>
    private static bool SameDictionary(string? a, string? b, string? onlyMember)
    {
        if (a is null || b is null
            || !StructuredFieldParser.TryParseDictionary(a, out var left, out _) || !StructuredFieldParser.TryParseDictionary(b, out var right, out _))
        {
            return false;
        }
        if (onlyMember is not null)
        {
            if (!left.TryGetValue(onlyMember, out var l1) || !right.TryGetValue(onlyMember, out var r1))
            {
                return false;
            }
            left = new SfDictionary().Set(onlyMember, l1);
            right = new SfDictionary().Set(onlyMember, r1);
        }
        if (!StructuredFieldSerializer.TrySerialize(left, out var l, out _) || !StructuredFieldSerializer.TrySerialize(right, out var r, out _))
        {
            return false;
        }
        if (onlyMember is not null)
        {
            // Parameters on a Signature member carry no meaning (RFC 9421 §4.2); only the byte sequence is verified.
            l = l.Split(';')[0];
            r = r.Split(';')[0];
        }
        return string.Equals(l, r, StringComparison.Ordinal);
    }

    private static string NormalizeAuthority(string authority)
    {
        var lower = authority.Trim(' ', '\t').ToLowerInvariant();
        return lower.EndsWith(":443", StringComparison.Ordinal) ? lower[..^4] : lower.TrimEnd(':');
    }

    /// <summary>
    /// A field line as HTTP defines it: CR and LF inside a value are replaced by a space (RFC 9110 §5.5), folds and the
    /// whitespace around them count as one space (RFC 9421 §2.1, RFC 9112 §5.2), leading and trailing whitespace is not part of the value.
    /// </summary>
    private static string Unfold(string value) =>
        System.Text.RegularExpressions.Regex.Replace(value, "[ \t]*[\r\n][\r\n \t]*", " ").Trim(' ', '\t');

    private static string? Joined(TestRequest request, string name)
    {
        var lines = request.Headers.Where(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase)).Select(h => Unfold(h.Value)).ToArray();
        if (lines.Length == 0)
        {
            return null;
        }
        var joined = string.Join(", ", lines);
        // credentials = auth-scheme 1*SP token68 (RFC 9110 §11.4): the number of spaces is not part of the token.
        return name == "authorization" ? System.Text.RegularExpressions.Regex.Replace(joined, "^([^ ]+) +", "$1 ") : joined;
    }
}

/// <summary>A replay store that accepts every value (replay has its own tests; here it must not mask other checks).</summary>
internal sealed class AcceptEveryValueReplayCache : IReplayCache
{
    public ValueTask<bool> TryAddAsync(string key, DateTimeOffset expiresAt, CancellationToken cancellationToken = default) => new(true);
}
