using Microsoft.AspNetCore.Builder;

namespace AgentAuth.AspNetCore;

/// <summary>Applies conventions to several endpoints mapped together.</summary>
internal sealed class CompositeEndpointConventionBuilder(IReadOnlyList<IEndpointConventionBuilder> builders) : IEndpointConventionBuilder
{
    public void Add(Action<EndpointBuilder> convention)
    {
        foreach (var builder in builders)
        {
            builder.Add(convention);
        }
    }

    public void Finally(Action<EndpointBuilder> finallyConvention)
    {
        foreach (var builder in builders)
        {
            builder.Finally(finallyConvention);
        }
    }
}
