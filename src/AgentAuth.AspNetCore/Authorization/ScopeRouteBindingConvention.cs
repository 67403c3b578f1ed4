using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.ApplicationModels;
using Microsoft.AspNetCore.Mvc.ModelBinding;
using Microsoft.Extensions.Options;

namespace AgentAuth.AspNetCore;

/// <summary>
/// Makes MVC bind, from the route, every action parameter (and bound controller property) named like a placeholder of a
/// scope the action requires, so the value authorized is the value the action receives. Without it, a controller without
/// <c>[ApiController]</c> binds a simple parameter from the form first: <c>POST /items/mine</c> with the form field
/// <c>id=victims-item</c> is authorized for <c>mine</c> and acts on <c>victims-item</c>. A parameter explicitly bound from
/// elsewhere (<c>[FromForm]</c>, <c>[FromQuery]</c>, <c>[FromBody]</c>…) is refused when the endpoints are built.
/// </summary>
/// <remarks>
/// Sees the scopes of <see cref="RequireScopeAttribute"/>, <c>[Authorize(Policy = "Scope:…")]</c> and
/// <c>[Authorize(Policy = "…")]</c> naming a policy registered in <see cref="AuthorizationOptions"/>. Scopes added by endpoint
/// conventions (<c>MapControllers().RequireScope(…)</c>) or by a custom policy provider are not visible here; for those
/// <see cref="ScopeAuthorizationHandler"/> fails closed when the parameter is not route-bound.
/// </remarks>
internal sealed class ScopeRouteBindingConvention(AuthorizationOptions authorizationOptions) : IApplicationModelConvention
{
    public void Apply(ApplicationModel application)
    {
        ArgumentNullException.ThrowIfNull(application);
        var placeholders = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var controller in application.Controllers)
        {
            foreach (var action in controller.Actions)
            {
                placeholders.Clear();
                Collect(controller.Attributes, placeholders);
                Collect(action.Attributes, placeholders);
                if (placeholders.Count == 0)
                {
                    continue;
                }
                var actionName = controller.ControllerType.Name + "." + action.ActionName;
                foreach (var parameter in action.Parameters)
                {
                    parameter.BindingInfo = Bind(parameter.BindingInfo, parameter.ParameterName, placeholders, actionName);
                }
                foreach (var property in controller.ControllerProperties)
                {
                    // Only properties MVC binds ([BindProperty], [FromRoute] and the like) have binding info.
                    if (property.BindingInfo is not null)
                    {
                        property.BindingInfo = Bind(property.BindingInfo, property.PropertyName, placeholders, actionName);
                    }
                }
            }
        }
    }

    private static BindingInfo? Bind(BindingInfo? binding, string name, Dictionary<string, string> placeholders, string actionName)
    {
        var modelName = binding?.BinderModelName ?? name;
        if (!placeholders.TryGetValue(modelName, out var pattern))
        {
            return binding;
        }
        var source = binding?.BindingSource;
        if (source is null)
        {
            binding ??= new BindingInfo();
            binding.BindingSource = BindingSource.Path;
            return binding;
        }
        if (source.Equals(BindingSource.Path))
        {
            return binding;
        }
        throw new InvalidOperationException(
            $"The action '{actionName}' requires the scope '{pattern}', whose placeholder {{{modelName}}} is read from the route, "
            + $"but its parameter '{name}' is bound from {source.DisplayName}, so the action could act on another value than the one authorized. "
            + "Bind it with [FromRoute] or give it another name.");
    }

    private void Collect(IReadOnlyList<object> attributes, Dictionary<string, string> placeholders)
    {
        foreach (var attribute in attributes)
        {
            if (attribute is IAuthorizationRequirementData data)
            {
                foreach (var requirement in data.GetRequirements())
                {
                    Add(requirement, placeholders);
                }
            }
            if (attribute is IAuthorizeData { Policy: { Length: > 0 } policy })
            {
                AddPolicy(policy, placeholders);
            }
        }
    }

    private void AddPolicy(string policyName, Dictionary<string, string> placeholders)
    {
        var registered = authorizationOptions.GetPolicy(policyName);
        if (registered is null && policyName.StartsWith(AgentAuthScopePolicy.Prefix, StringComparison.OrdinalIgnoreCase))
        {
            foreach (var scope in policyName[AgentAuthScopePolicy.Prefix.Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries))
            {
                // An invalid scope is reported by the policy provider; it reads no route value here.
                if (ScopePattern.TryCreate(scope, out var pattern, out _))
                {
                    AddPattern(pattern, placeholders);
                }
            }
            return;
        }
        if (registered is not null)
        {
            foreach (var requirement in registered.Requirements)
            {
                Add(requirement, placeholders);
            }
        }
    }

    private static void Add(IAuthorizationRequirement requirement, Dictionary<string, string> placeholders)
    {
        if (requirement is ScopeRequirement scopes)
        {
            foreach (var pattern in scopes.Patterns)
            {
                AddPattern(pattern, placeholders);
            }
        }
    }

    private static void AddPattern(ScopePattern pattern, Dictionary<string, string> placeholders)
    {
        foreach (var name in pattern.PlaceholderNames)
        {
            placeholders.TryAdd(name, pattern.Template);
        }
    }
}

/// <summary>Adds <see cref="ScopeRouteBindingConvention"/> to MVC's conventions (only used when the application adds MVC).</summary>
internal sealed class ScopeRouteBindingMvcOptionsSetup(IOptions<AuthorizationOptions> authorizationOptions) : IConfigureOptions<MvcOptions>
{
    public void Configure(MvcOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Conventions.Add(new ScopeRouteBindingConvention(authorizationOptions.Value));
    }
}
