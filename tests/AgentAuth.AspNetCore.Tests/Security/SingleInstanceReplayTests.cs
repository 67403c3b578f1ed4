using AgentAuth.HttpSignatures;

namespace AgentAuth.AspNetCore.Tests.Security;

/// <summary>
/// The in-memory counterpart of the PostgreSQL multi-instance test: one instance, 64 concurrent copies of one signed
/// request with a nonce, exactly one accepted (tests/AgentAuth.AspNetCore.PostgreSql.Tests/MultiInstance has the
/// two-instance version against a real database).
/// </summary>
public sealed class SingleInstanceReplayTests
{
    [Fact]
    public async Task Signature_nonce_replayed_64_times_concurrently_is_accepted_exactly_once()
    {
        await using var app = SecurityApp.Create();
        var request = TestRequest.Get().Sign(SecurityApp.AgentKey, new SignatureParameters { Nonce = Guid.NewGuid().ToString("N") });
        using var gate = new Barrier(64);
        var sends = new Task<SecurityResponse>[64];
        for (var i = 0; i < sends.Length; i++)
        {
            sends[i] = Task.Factory.StartNew(() =>
            {
                gate.SignalAndWait();
                return app.SendAsync(request.Clone()).GetAwaiter().GetResult();
            }, TaskCreationOptions.LongRunning);
        }
        var responses = await Task.WhenAll(sends);

        Assert.Single(responses, r => r.Status == 200);
        Assert.All(responses.Where(r => r.Status != 200), r => Assert.Equal("error=invalid_signature", r.SignatureError));
    }
}
