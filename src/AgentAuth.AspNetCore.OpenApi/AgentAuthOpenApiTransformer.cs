using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.OpenApi;

namespace AgentAuth.AspNetCore.OpenApi;

/// <summary>
/// Declares the AgentAuth security schemes in the document, and on each operation that requires scopes
/// (<c>RequireScope</c> / <c>[RequireScope]</c>) or AgentAuth authentication, the security requirements naming them.
/// </summary>
/// <remarks>
/// OpenAPI security requirements are alternatives (any one object satisfies), and the scopes listed for a scheme in
/// one object are all required. A <c>[RequireScope("a", "b")]</c> accepts either scope, so it becomes one object per
/// scope; several <c>RequireScope</c> on one endpoint must all be met, so their scopes are combined (one object per
/// combination). Patterns are written as declared: <c>read:data:{id}</c> keeps its <c>{id}</c> placeholder, which
/// the scheme fills from the route value of the request. Every combination is listed once per enabled scheme.
/// </remarks>
internal sealed class AgentAuthOpenApiTransformer : IOpenApiDocumentTransformer, IOpenApiOperationTransformer
{
    // Bounds the combinations of all-of requirements listed per operation (each is an alternative in the document).
    private const int MaxCombinations = 64;

    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(document);
        ArgumentNullException.ThrowIfNull(context);
        EnsureSchemes(document, EnabledSchemes(context.ApplicationServices));
        return Task.CompletedTask;
    }

    public Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(operation);
        ArgumentNullException.ThrowIfNull(context);
        var metadata = context.Description.ActionDescriptor.EndpointMetadata;
        if (metadata is null || HasAllowAnonymous(metadata))
        {
            return Task.CompletedTask;
        }

        var required = new List<IReadOnlyList<string>>();
        bool agentAuth = false;
        foreach (var item in metadata)
        {
            if (item is RequireScopeAttribute scope)
            {
                required.Add(scope.Scopes);
                agentAuth = true;
            }
            else if (item is IAuthorizeData authorize && NamesAgentAuth(authorize.AuthenticationSchemes))
            {
                agentAuth = true;
            }
            else if (item is AuthorizationPolicy policy && policy.AuthenticationSchemes.Contains(AgentAuthDefaults.AuthenticationScheme))
            {
                agentAuth = true;
            }
        }
        if (!agentAuth)
        {
            return Task.CompletedTask;
        }

        var schemes = EnabledSchemes(context.ApplicationServices);
        var document = context.Document;
        if (document is not null)
        {
            EnsureSchemes(document, schemes);
        }
        operation.Security ??= [];
        foreach (var combination in Combine(required))
        {
            foreach (var (id, _) in schemes)
            {
                operation.Security.Add(new OpenApiSecurityRequirement
                {
                    [new OpenApiSecuritySchemeReference(id, document)] = combination,
                });
            }
        }
        return Task.CompletedTask;
    }

    /// <summary>Every way to satisfy all the requirements (one scope from each), in declaration order.</summary>
    internal static List<List<string>> Combine(List<IReadOnlyList<string>> required)
    {
        var combinations = new List<List<string>> { new() };
        foreach (var anyOf in required)
        {
            var next = new List<List<string>>();
            foreach (var partial in combinations)
            {
                foreach (var scope in anyOf)
                {
                    if (next.Count == MaxCombinations)
                    {
                        break;
                    }
                    var extended = new List<string>(partial);
                    if (!extended.Contains(scope))
                    {
                        extended.Add(scope);
                    }
                    next.Add(extended);
                }
            }
            combinations = next;
        }
        return combinations;
    }

    private static bool HasAllowAnonymous(IList<object> metadata)
    {
        // The last IAllowAnonymous/IAuthorizeData wins in endpoint routing only for AllowAnonymous: any one makes the endpoint public.
        foreach (var item in metadata)
        {
            if (item is IAllowAnonymous)
            {
                return true;
            }
        }
        return false;
    }

    private static bool NamesAgentAuth(string? schemes)
    {
        if (string.IsNullOrEmpty(schemes))
        {
            return false;
        }
        foreach (var range in schemes.AsSpan().Split(','))
        {
            if (schemes.AsSpan()[range].Trim().SequenceEqual(AgentAuthDefaults.AuthenticationScheme))
            {
                return true;
            }
        }
        return false;
    }

    internal static List<(string Id, OpenApiSecurityScheme Scheme)> EnabledSchemes(IServiceProvider services)
    {
        var options = services.GetService<IOptionsMonitor<AgentAuthOptions>>()?.Get(AgentAuthDefaults.AuthenticationScheme);
        var schemes = new List<(string, OpenApiSecurityScheme)>
        {
            (AgentAuthOpenApiSchemes.HttpMessageSignature, new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.Http,
                Scheme = "Signature",
                Description = "RFC 9421 HTTP Message Signatures: sign the request (Signature-Input and Signature headers) with an agent key, "
                    + "optionally with a key-bound token in the Authorization header whose cnf names that key. "
                    + "A 401 answers with Accept-Signature naming the components to cover.",
            }),
        };
        if (options?.DPoP.Enabled != false && options?.Issuers.Count != 0)
        {
            schemes.Add((AgentAuthOpenApiSchemes.DPoP, new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.Http,
                Scheme = "DPoP",
                BearerFormat = "JWT",
                Description = "RFC 9449 DPoP: Authorization: DPoP <token bound by cnf.jkt> and a DPoP proof signed with that key.",
            }));
        }
        if (options?.AllowBearerTokens == true)
        {
            schemes.Add((AgentAuthOpenApiSchemes.Bearer, new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.Http,
                Scheme = "bearer",
                BearerFormat = "JWT",
                Description = "A plain bearer token (RFC 6750) without proof of possession; a token with a cnf claim is refused here.",
            }));
        }
        return schemes;
    }

    private static void EnsureSchemes(OpenApiDocument document, List<(string Id, OpenApiSecurityScheme Scheme)> schemes)
    {
        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>(StringComparer.Ordinal);
        foreach (var (id, scheme) in schemes)
        {
            document.Components.SecuritySchemes.TryAdd(id, scheme);
        }
    }
}
