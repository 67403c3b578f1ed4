using System.Diagnostics.CodeAnalysis;
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

    [UnconditionalSuppressMessage("Trimming", "IL2026", Justification = "The option types bound here are kept by the DynamicDependency attributes.")]
    [DynamicDependency(DynamicallyAccessedMemberTypes.PublicProperties, typeof(AgentAuthOptions))]
    [DynamicDependency(DynamicallyAccessedMemberTypes.PublicProperties, typeof(AgentKeyOptions))]
    [DynamicDependency(DynamicallyAccessedMemberTypes.PublicProperties, typeof(TokenIssuerOptions))]
    [DynamicDependency(DynamicallyAccessedMemberTypes.PublicProperties, typeof(JwksCacheOptions))]
    [DynamicDependency(DynamicallyAccessedMemberTypes.PublicProperties, typeof(HttpSignaturePolicyOptions))]
    [DynamicDependency(DynamicallyAccessedMemberTypes.PublicProperties, typeof(AgentAuthDPoPOptions))]
    public void Configure(string? name, AgentAuthOptions options)
    {
        if (string.IsNullOrEmpty(name))
        {
            return;
        }
        var section = _configurationProvider.GetSchemeConfiguration(name);
        if (section.GetChildren().Any())
        {
            section.Bind(options);
        }
    }

    public void Configure(AgentAuthOptions options) => Configure(Options.DefaultName, options);
}
