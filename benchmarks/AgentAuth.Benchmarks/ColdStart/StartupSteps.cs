using System.Diagnostics;
using System.Globalization;
using System.Text;
using AgentAuth.AspNetCore;
using AgentAuth.HttpSignatures;

namespace AgentAuth.Benchmarks.ColdStart;

/// <summary>
/// The first call of each piece of AgentAuth's startup work, timed alone in a fresh process (diagnostic, for the cold-start
/// profile): a first call pays its JIT and type loading, which is what a cold start is made of.
/// </summary>
internal static class StartupSteps
{
    public static string Measure()
    {
        var text = new StringBuilder("startup steps (first calls, ms):");
        void Step(string name, Action action)
        {
            var start = Stopwatch.GetTimestamp();
            action();
            text.Append(string.Create(CultureInfo.InvariantCulture, $" {name} {Stopwatch.GetElapsedTime(start).TotalMilliseconds:0.0};"));
        }
        Step("SignatureComponent.TryParse(@method)", () => _ = SignatureComponent.TryParse("@method", out _, out _));
        Step("AgentAuthOptions()", () => _ = new AgentAuthOptions());
        Step("AgentAuthOptionsValidator.Validate", () =>
        {
            var options = new AgentAuthOptions { AllowBearerTokens = true };
            options.Issuers.Add(new TokenIssuerOptions { Issuer = "https://issuer.example", JwksUri = "https://issuer.example/jwks" });
            options.Audiences.Add("https://api.example");
            options.Signatures.RequiredComponents.Add("@method");
            options.Signatures.AllowedAlgorithms.Add("ed25519");
            _ = new AgentAuthOptionsValidator().Validate("x", options);
        });
        Step("HttpMessageSignatureVerifier", () => _ = new HttpMessageSignatureVerifier(new HttpSignatureVerifierOptions(), TimeProvider.System));
        Step("JsonWebTokenHandler", () => _ = new Microsoft.IdentityModel.JsonWebTokens.JsonWebTokenHandler());
        return text.ToString();
    }
}
