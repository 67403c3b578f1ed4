using System.Net;
using AgentAuth.Client;
using AgentAuth.HttpSignatures.Cryptography;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace AgentAuth.AspNetCore.Tests.Client;

/// <summary>
/// Issue 23 C1: the redirect rules the signing handler applies in place of the transport's, where a loopback test cannot
/// reach them (https, other schemes), and the transport switch and option validation at host start.
/// </summary>
public sealed class RedirectPolicyTests
{
    private static bool Target(string from, HttpMethod method, HttpStatusCode status, string? location, out Uri target, out bool changeToGet)
    {
        using var request = new HttpRequestMessage(method, from);
        using var response = new HttpResponseMessage(status);
        if (location is not null)
        {
            response.Headers.TryAddWithoutValidation("Location", location);
        }
        return RedirectPolicy.TryGetTarget(request, response, out target, out changeToGet);
    }

    [Theory]
    [InlineData("https://api.example/a", "http://api.example/b")]
    [InlineData("https://api.example/a", "ftp://api.example/b")]
    [InlineData("http://api.example/a", "file:///etc/passwd")]
    [InlineData("https://api.example/a", "https://user:pw@api.example/b")]
    public void Downgrades_other_schemes_and_user_info_are_not_followed(string from, string location)
    {
        Assert.False(Target(from, HttpMethod.Get, HttpStatusCode.Found, location, out _, out _));
    }

    [Theory]
    [InlineData(HttpStatusCode.OK)]
    [InlineData(HttpStatusCode.NotModified)]
    [InlineData(HttpStatusCode.UseProxy)]
    public void Other_statuses_and_missing_locations_are_not_redirects(HttpStatusCode status)
    {
        Assert.False(Target("https://api.example/a", HttpMethod.Get, status, "/b", out _, out _));
        Assert.False(Target("https://api.example/a", HttpMethod.Get, HttpStatusCode.Found, null, out _, out _));
    }

    [Theory]
    [InlineData(HttpStatusCode.MovedPermanently, "POST", true)]
    [InlineData(HttpStatusCode.Found, "POST", true)]
    [InlineData(HttpStatusCode.MultipleChoices, "POST", true)]
    [InlineData(HttpStatusCode.Found, "PUT", false)]
    [InlineData(HttpStatusCode.SeeOther, "PUT", true)]
    [InlineData(HttpStatusCode.SeeOther, "DELETE", true)]
    [InlineData(HttpStatusCode.SeeOther, "HEAD", false)]
    [InlineData(HttpStatusCode.SeeOther, "GET", false)]
    [InlineData(HttpStatusCode.TemporaryRedirect, "POST", false)]
    [InlineData(HttpStatusCode.PermanentRedirect, "POST", false)]
    public void Method_changes_are_HttpClients(HttpStatusCode status, string method, bool expected)
    {
        Assert.True(Target("https://api.example/a", new HttpMethod(method), status, "/b", out var target, out var changeToGet));
        Assert.Equal(new Uri("https://api.example/b"), target);
        Assert.Equal(expected, changeToGet);
    }

    [Fact]
    public void A_relative_location_resolves_against_the_request_and_inherits_its_fragment()
    {
        Assert.True(Target("https://api.example/dir/a?x=1#part", HttpMethod.Get, HttpStatusCode.Found, "b?y=2", out var target, out _));
        Assert.Equal("https://api.example/dir/b?y=2#part", target.ToString());
        Assert.True(Target("https://api.example/a#part", HttpMethod.Get, HttpStatusCode.Found, "https://other.example/c#own", out target, out _));
        Assert.Equal("https://other.example/c#own", target.ToString());
    }

    [Fact]
    public void The_transport_under_delegating_handlers_stops_following_redirects()
    {
        using var sockets = new SocketsHttpHandler();
        using var outer = new PassThrough(new PassThrough(sockets));
        using var client = new HttpClientHandler();

        RedirectPolicy.DisableAutoRedirect(outer);
        RedirectPolicy.DisableAutoRedirect(client);

        Assert.False(sockets.AllowAutoRedirect);
        Assert.False(client.AllowAutoRedirect);
    }

    [Fact]
    public async Task Invalid_client_options_stop_the_host_at_start_naming_the_option()
    {
        using var key = SignatureKey.GenerateEd25519();
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddHttpClient("agent").AddAgentAuthSigning(o =>
        {
            o.Key = key;
            o.AllowedOrigins.Add("https://api.example/v1");
            o.MaxRedirects = 99;
        });
        using var host = builder.Build();

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains("AgentAuthSigningOptions.AllowedOrigins[0]", error.Message);
        Assert.Contains("AgentAuthSigningOptions.MaxRedirects", error.Message);
    }

    private sealed class PassThrough(HttpMessageHandler inner) : DelegatingHandler(inner);
}
