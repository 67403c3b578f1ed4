namespace AgentAuth.AspNetCore.Tests.WebBotAuth;

/// <summary>Startup validation of <see cref="AgentAuthOptions.WebBotAuth"/>: each message names the option to set.</summary>
public sealed class WebBotAuthOptionsTests
{
    private static IEnumerable<string> Failures(Action<AgentAuthOptions> configure)
    {
        var options = new AgentAuthOptions();
        configure(options);
        var result = new AgentAuthOptionsValidator().Validate("WebBots", options);
        return result.Failed ? result.Failures : [];
    }

    [Fact]
    public void Off_by_default_and_a_scheme_with_only_web_bots_is_valid()
    {
        Assert.False(new AgentAuthOptions().WebBotAuth.Enabled);
        Assert.Empty(Failures(o =>
        {
            o.WebBotAuth.Enabled = true;
            o.WebBotAuth.Directories.AllowedOrigins.Add("https://crawler.example");
        }));
        Assert.Empty(Failures(o =>
        {
            o.AllowSignatureOnly = false;
            o.WebBotAuth.Enabled = true;
            o.WebBotAuth.Directories.AllowAnyHttpsOrigin = true;
        }));
    }

    [Fact]
    public void Enabled_without_any_allowed_origin_fails_startup_naming_the_option()
    {
        var failure = Assert.Single(Failures(o => o.WebBotAuth.Enabled = true));
        Assert.Contains("WebBotAuth.Directories.AllowedOrigins", failure, StringComparison.Ordinal);
        Assert.Contains("AllowAnyHttpsOrigin", failure, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(24 * 60 + 1)]
    public void MaxValidity_outside_zero_to_24_hours_fails_startup(int minutes)
    {
        var failures = Failures(o =>
        {
            o.WebBotAuth.Enabled = true;
            o.WebBotAuth.Directories.AllowedOrigins.Add("https://crawler.example");
            o.WebBotAuth.MaxValidity = TimeSpan.FromMinutes(minutes);
        });
        Assert.Contains(failures, f => f.Contains("WebBotAuth.MaxValidity", StringComparison.Ordinal));
    }

    [Fact]
    public void A_malformed_directory_origin_fails_startup_naming_its_index()
    {
        var failures = Failures(o =>
        {
            o.WebBotAuth.Enabled = true;
            o.WebBotAuth.Directories.AllowedOrigins.Add("https://crawler.example/path");
        });
        Assert.Contains(failures, f => f.Contains("WebBotAuth.Directories.AllowedOrigins[0]", StringComparison.Ordinal));
    }
}
