namespace AgentAuth.AspNetCore;

/// <summary>Default values used by the AgentAuth authentication scheme.</summary>
public static class AgentAuthDefaults
{
    /// <summary>The default authentication scheme name, <c>AgentAuth</c>.</summary>
    public const string AuthenticationScheme = "AgentAuth";

    /// <summary>The default display name of the scheme.</summary>
    public const string DisplayName = "AgentAuth";

    /// <summary>The configuration section a scheme binds from: <c>Authentication:Schemes:{scheme}</c>.</summary>
    public const string ConfigurationSectionPrefix = "Authentication:Schemes";
}
