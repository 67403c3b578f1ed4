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
            // Entries that do not parse are reported by TryParse; here they simply cover nothing.
            if (!SignatureComponent.TryParse(entry ?? string.Empty, out var component, out _))
            {
                continue;
            }
            method |= component == SignatureComponent.Method;
            targetUri |= component == SignatureComponent.TargetUri;
            authority |= component == SignatureComponent.Authority;
            path |= component == SignatureComponent.Path || component == SignatureComponent.RequestTarget;
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

    /// <summary>
    /// Reads one configured component with <see cref="SignatureComponent.TryParse"/> (the one component-identifier parser)
    /// and refuses what a client request cannot carry: <c>@status</c> (responses only, RFC 9421 §2.2.9) and the
    /// <c>req</c> and <c>tr</c> parameters (related request and trailers, RFC 9421 §2.4 and §2.1.2).
    /// </summary>
    public static bool TryParse(string text, out SignatureComponent component, out string? error)
    {
        if (!SignatureComponent.TryParse(text, out component, out var reason))
        {
            error = "'" + text + "' is not a valid component: " + reason;
            return false;
        }
        if (component == SignatureComponent.Status)
        {
            error = "'" + text + "' is not a request component this client signs (use @method, @target-uri, @authority, @scheme, @request-target, @path, @query or @query-param;name=…).";
            component = default;
            return false;
        }
        if (component.IsFromRelatedRequest || component.IsFromTrailers)
        {
            error = "'" + text + "' has a parameter this client does not support (use ;sf, ;bs or ;key=…).";
            component = default;
            return false;
        }
        error = null;
        return true;
    }
}
