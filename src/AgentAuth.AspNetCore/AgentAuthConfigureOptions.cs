using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace AgentAuth.AspNetCore;

/// <summary>Binds <c>Authentication:Schemes:{scheme}</c> from configuration onto the scheme's options (as JwtBearer does).</summary>
internal sealed class AgentAuthConfigureOptions : IConfigureNamedOptions<AgentAuthOptions>
{
    private readonly IAuthenticationConfigurationProvider _configurationProvider;

    public AgentAuthConfigureOptions(IAuthenticationConfigurationProvider configurationProvider)
    {
        _configurationProvider = configurationProvider;
    }

    public void Configure(string? name, AgentAuthOptions options)
    {
        if (string.IsNullOrEmpty(name))
        {
            return;
        }
        var section = _configurationProvider.GetSchemeConfiguration(name);
        if (section.GetChildren().Any())
        {
            // Compiled by the configuration binding source generator (see the project file): no reflection, so it is
            // safe under trimming and native AOT.
            section.Bind(options);
        }
    }

    public void Configure(AgentAuthOptions options) => Configure(Options.DefaultName, options);
}
