using AgentAuth.HttpSignatures;

namespace AgentAuth.Client;

/// <summary>
/// Parses the configured component list: derived components (<c>@method</c>, <c>@target-uri</c>, <c>@authority</c>,
/// <c>@scheme</c>, <c>@request-target</c>, <c>@path</c>, <c>@query</c>), <c>@query-param;name=…</c>, and lowercase field
/// names with an optional <c>;sf</c>, <c>;bs</c> or <c>;key=…</c>.
/// </summary>
internal static class CoveredComponents
{
    /// <summary>
    /// What a configured (non-empty) list lacks of the request binding the server always requires: <c>@method</c>, and
    /// the target (<c>@target-uri</c>, or <c>@authority</c> with <c>@path</c> or <c>@request-target</c>). Null when complete.
    /// </summary>
    public static string? MissingRequestBinding(IList<string> configured)
    {
        if (configured.Count == 0)
        {
            return null;
        }
        bool method = false, targetUri = false, authority = false, path = false;
        foreach (var entry in configured)
        {
            switch ((entry ?? string.Empty).Trim().Trim('"'))
            {
                case "@method":
                    method = true;
                    break;
                case "@target-uri":
                    targetUri = true;
                    break;
                case "@authority":
                    authority = true;
                    break;
                case "@path":
                case "@request-target":
                    path = true;
                    break;
            }
        }
        var target = targetUri || (authority && path);
        return (method, target) switch
        {
            (true, true) => null,
            (false, true) => "@method",
            (true, false) => "the target (@target-uri, or @authority and @path)",
            _ => "@method and the target (@target-uri, or @authority and @path)",
        };
    }

    public static bool TryParse(string text, out SignatureComponent component, out string? error)
    {
        component = default;
        error = null;
        var trimmed = text.AsSpan().Trim();
        var separator = trimmed.IndexOf(';');
        var name = (separator < 0 ? trimmed : trimmed[..separator]).Trim().Trim('"');
        var parameter = separator < 0 ? ReadOnlySpan<char>.Empty : trimmed[(separator + 1)..].Trim();
        try
        {
            if (name.StartsWith('@'))
            {
                component = name switch
                {
                    "@method" => SignatureComponent.Method,
                    "@target-uri" => SignatureComponent.TargetUri,
                    "@authority" => SignatureComponent.Authority,
                    "@scheme" => SignatureComponent.Scheme,
                    "@request-target" => SignatureComponent.RequestTarget,
                    "@path" => SignatureComponent.Path,
                    "@query" => SignatureComponent.Query,
                    "@query-param" when parameter.StartsWith("name=") => SignatureComponent.QueryParam(parameter[5..].Trim('"').ToString()),
                    _ => default,
                };
                if (component.Name.Length == 0 || (parameter.Length > 0 && name is not "@query-param"))
                {
                    error = "'" + text + "' is not a request component this client signs (use @method, @target-uri, @authority, @scheme, @request-target, @path, @query or @query-param;name=…).";
                    return false;
                }
                return true;
            }

            var field = SignatureComponent.Field(name.ToString());
            if (parameter.Length == 0)
            {
                component = field;
            }
            else if (parameter is "sf")
            {
                component = field.WithStructuredField();
            }
            else if (parameter is "bs")
            {
                component = field.WithByteSequence();
            }
            else if (parameter.StartsWith("key="))
            {
                component = SignatureComponent.DictionaryMember(field.Name, parameter[4..].Trim('"').ToString());
            }
            else
            {
                error = "'" + text + "' has a parameter this client does not support (use ;sf, ;bs or ;key=…).";
                return false;
            }
            return true;
        }
        catch (ArgumentException ex)
        {
            error = "'" + text + "' is not a valid component: " + ex.Message;
            return false;
        }
    }
}
