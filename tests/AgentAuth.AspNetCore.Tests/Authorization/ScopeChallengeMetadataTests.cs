using Microsoft.AspNetCore.Http;

namespace AgentAuth.AspNetCore.Tests.Authorization;

/// <summary>
/// <see cref="IScopeChallengeMetadata"/>: what an endpoint names for its 401 reaches the challenge only as scope tokens
/// (it goes into a quoted-string), without duplicates, in order.
/// </summary>
public sealed class ScopeChallengeMetadataTests
{
    private sealed class Fixed(params string[] scopes) : IScopeChallengeMetadata
    {
        public IReadOnlyList<string> GetChallengeScopes(IServiceProvider services) => scopes;
    }

    private static string ScopesOf(params object[] metadata)
    {
        var context = new DefaultHttpContext();
        context.SetEndpoint(new Endpoint(_ => Task.CompletedTask, new EndpointMetadataCollection(metadata), "test"));
        return InsufficientScopeResultHandler.ChallengeScopes(context);
    }

    [Fact]
    public void Only_scope_tokens_are_named_once_in_order()
    {
        Assert.Equal("read:data:* records.delete agents.read",
            ScopesOf(new Fixed("read:data:*", "records.delete", "", "a b", "x\"y", "c\\d", "é", "records.delete", "agents.read")));
    }

    [Fact]
    public void An_endpoint_without_the_metadata_names_none()
    {
        Assert.Equal(string.Empty, ScopesOf());
        Assert.Equal(string.Empty, new DefaultHttpContext() is var context ? InsufficientScopeResultHandler.ChallengeScopes(context) : null);
    }
}
