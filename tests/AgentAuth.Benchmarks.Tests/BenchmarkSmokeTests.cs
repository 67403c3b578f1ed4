using System.Reflection;
using AgentAuth.Benchmarks;
using BenchmarkDotNet.Attributes;

namespace AgentAuth.Benchmarks.Tests;

/// <summary>
/// Runs every <c>[Benchmark]</c> method once, untimed (GlobalSetup, the method, GlobalCleanup), so a broken benchmark fails
/// the test command. Each GlobalSetup asserts that its scenarios succeed, so a benchmark of a path that fails fast fails here.
/// </summary>
public sealed class BenchmarkSmokeTests
{
    public static TheoryData<string> BenchmarkClasses()
    {
        var data = new TheoryData<string>();
        foreach (var type in BenchmarkTypes())
        {
            data.Add(type.FullName!);
        }
        return data;
    }

    [Fact]
    public void The_suite_has_the_issue_benchmarks()
    {
        var names = BenchmarkTypes().SelectMany(t => BenchmarkMethods(t)).Select(m => m.DeclaringType!.Name + "." + m.Name).ToHashSet();
        string[] expected =
        [
            "SignatureBaseBenchmarks.B26Request_Base", "SignatureBaseBenchmarks.TenComponents_Base",
            "SignatureParsingBenchmarks.OneSignatureParse", "SignatureParsingBenchmarks.ThreeSignaturesParse",
            "AuthenticationBenchmarks.SignatureOnly", "AuthenticationBenchmarks.SignatureWithBoundToken",
            "AuthenticationBenchmarks.SignatureWithBoundTokenNoCache", "AuthenticationBenchmarks.BearerEs256",
            "AuthenticationBenchmarks.DPoPBoundToken", "AuthenticationBenchmarks.BareEd25519Verify", "AuthenticationBenchmarks.BareEd25519VerifyBoundBase",
            "AuthenticationBenchmarks.JwtHandlerValidateEs256",
            "IntrospectionBenchmarks.IntrospectedOpaqueTokenCacheHit", "IntrospectionBenchmarks.BearerWithRevocationLookup",
            "IntrospectionBenchmarks.BearerWithoutRevocationLookup",
            "McpAuthorizationBenchmarks.MinimalApiEndpoint", "McpAuthorizationBenchmarks.McpToolCallSdkFilter", "McpAuthorizationBenchmarks.McpToolCallBeforeDispatch",
            // Issue 22: the peers, the uncached bearer, and the hmac-sha256 managed-work probe with its baseline.
            "AuthenticationBenchmarks.JwtBearerEs256", "AuthenticationBenchmarks.OpenIddictEs256", "AuthenticationBenchmarks.BearerEs256NoCache",
            "AuthenticationBenchmarks.SignatureOnlyHmac", "AuthenticationBenchmarks.BareHmacSha256Verify", "AuthenticationBenchmarks.FrameworkFloor",
        ];
        Assert.Empty(expected.Except(names));
    }

    [Theory]
    [MemberData(nameof(BenchmarkClasses))]
    public async Task Every_benchmark_runs_once(string typeName)
    {
        var type = BenchmarkTypes().Single(t => t.FullName == typeName);
        var instance = Activator.CreateInstance(type)!;
        await InvokeAll<GlobalSetupAttribute>(type, instance);
        try
        {
            var methods = BenchmarkMethods(type).ToList();
            Assert.NotEmpty(methods);
            foreach (var method in methods)
            {
                var result = await Invoke(method, instance);
                // A Boolean benchmark is a verify; false would mean it measures a failing path.
                if (result is bool ok)
                {
                    Assert.True(ok, method.Name + " returned false.");
                }
                if (result is Microsoft.AspNetCore.Authentication.AuthenticateResult auth && method.Name != nameof(AuthenticationBenchmarks.NoCredentials))
                {
                    Assert.True(auth.Succeeded, method.Name + " did not authenticate: " + auth.Failure?.Message);
                }
                if (result is Microsoft.IdentityModel.Tokens.TokenValidationResult jwt)
                {
                    Assert.True(jwt.IsValid, method.Name + " did not validate: " + jwt.Exception?.Message);
                }
                if (result is int length)
                {
                    Assert.True(length > 0, method.Name + " returned " + length + ".");
                }
            }
        }
        finally
        {
            await InvokeAll<GlobalCleanupAttribute>(type, instance);
        }
    }

    [Fact]
    public void Signature_base_and_single_signature_parsing_allocate_nothing_once_warm()
    {
        var bases = new SignatureBaseBenchmarks();
        bases.Setup();
        var parsing = new SignatureParsingBenchmarks();
        parsing.Setup();
        // Unoptimized (tier-0) code boxes where optimized code does not (Enum.HasFlag, for one), so the claim is about the code
        // once tiered compilation has optimized it: batches run until one allocates nothing, for at most 20 seconds.
        var deadline = DateTime.UtcNow.AddSeconds(20);
        long allocated;
        do
        {
            var before = GC.GetAllocatedBytesForCurrentThread();
            for (var i = 0; i < 100; i++)
            {
                bases.B26Request_Base();
                bases.TenComponents_Base();
                parsing.OneSignatureParse();
            }
            allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        }
        while (allocated != 0 && DateTime.UtcNow < deadline);
        Assert.Equal(0, allocated);
    }

    internal static IEnumerable<Type> BenchmarkTypes() =>
        typeof(AuthenticationBenchmarks).Assembly.GetTypes().Where(t => t.IsPublic && !t.IsAbstract && BenchmarkMethods(t).Any());

    internal static IEnumerable<MethodInfo> BenchmarkMethods(Type type) =>
        type.GetMethods(BindingFlags.Public | BindingFlags.Instance).Where(m => m.GetCustomAttribute<BenchmarkAttribute>() is not null);

    private static async Task InvokeAll<TAttribute>(Type type, object instance) where TAttribute : Attribute
    {
        foreach (var method in type.GetMethods(BindingFlags.Public | BindingFlags.Instance).Where(m => m.GetCustomAttribute<TAttribute>() is not null))
        {
            await Invoke(method, instance);
        }
    }

    internal static async Task<object?> Invoke(MethodInfo method, object instance)
    {
        var value = method.Invoke(instance, null);
        switch (value)
        {
            case Task task:
                await task;
                return task.GetType().IsGenericType ? task.GetType().GetProperty("Result")!.GetValue(task) : null;
            case ValueTask valueTask:
                await valueTask;
                return null;
            default:
                return value;
        }
    }
}
