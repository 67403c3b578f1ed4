using System.Collections.Concurrent;
using System.Text;
using System.Text.RegularExpressions;
using ModelContextProtocol.Server;

namespace AgentAuth.AspNetCore.Mcp;

/// <summary>
/// Which resource a <c>resources/read</c> URI reaches, and the URI template variables it binds, as the MCP SDK
/// (ModelContextProtocol 2.4.0) decides them: a non-templated resource equal to the URI first, else the first resource
/// in the collection whose <see cref="McpServerResource.IsMatch"/> accepts the URI; the variables are the RFC 6570
/// expressions of the template matched with the SDK's rules (per operator: the characters a value may hold, the
/// separators, optional values; case-insensitive literals) and percent-decoded, as the SDK hands them to the resource
/// method. A template this reader cannot read with certainty yields no variables, so every placeholder fails closed.
/// </summary>
internal static class McpResourceTemplates
{
    // Keyed by template text; bounded by the templates the application registers.
    private static readonly ConcurrentDictionary<string, Regex?> s_parsers = new(StringComparer.Ordinal);

    /// <summary>The resource the SDK's <c>resources/read</c> handler dispatches <paramref name="uri"/> to, or <see langword="null"/>.</summary>
    internal static McpServerResource? Find(McpServerResourceCollection? resources, string uri)
    {
        if (resources is null)
        {
            return null;
        }
        if (resources.TryGetPrimitive(uri, out var exact) && !exact.IsTemplated)
        {
            return exact;
        }
        foreach (var resource in resources)
        {
            if (resource.IsMatch(uri))
            {
                return resource;
            }
        }
        return null;
    }

    /// <summary>
    /// The template variables <paramref name="uri"/> binds in <paramref name="resource"/>'s template (decoded), as scope
    /// placeholder values; empty when the resource is not templated, the URI does not match, or the template cannot be read.
    /// </summary>
    internal static IReadOnlyDictionary<string, object?> Variables(McpServerResource resource, string uri)
    {
        if (!resource.IsTemplated)
        {
            return McpArguments.None;
        }
        var parser = s_parsers.GetOrAdd(resource.ProtocolResourceTemplate.UriTemplate, CreateParser);
        if (parser is null)
        {
            return McpArguments.None;
        }
        var match = parser.Match(uri);
        if (!match.Success)
        {
            return McpArguments.None;
        }
        var values = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var name in parser.GetGroupNames())
        {
            var group = match.Groups[name];
            if (name != "0" && group.Success)
            {
                values[name] = Uri.UnescapeDataString(group.Value);
            }
        }
        return values;
    }

    /// <summary>
    /// A matcher for the RFC 6570 template <paramref name="template"/> with the SDK's per-operator rules, or
    /// <see langword="null"/> for a template outside what is certain: an unclosed or malformed expression, a variable name
    /// that is not <c>[A-Za-z0-9_]+</c> (dotted or percent-encoded names), or a name used twice.
    /// </summary>
    internal static Regex? CreateParser(string template)
    {
        var pattern = new StringBuilder("^");
        var names = new HashSet<string>(StringComparer.Ordinal);
        var position = 0;
        while (position < template.Length)
        {
            var open = template.IndexOf('{', position);
            if (open < 0)
            {
                pattern.Append(Regex.Escape(template[position..]));
                break;
            }
            pattern.Append(Regex.Escape(template[position..open]));
            var close = template.IndexOf('}', open + 1);
            if (close < 0 || !TryAppendExpression(pattern, template.AsSpan(open + 1, close - open - 1), names))
            {
                return null;
            }
            position = close + 1;
        }
        if (template.AsSpan(position).IndexOf('}') >= 0)
        {
            return null;
        }
        pattern.Append('$');
        return new Regex(pattern.ToString(), RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.NonBacktracking);
    }

    private static bool TryAppendExpression(StringBuilder pattern, ReadOnlySpan<char> expression, HashSet<string> names)
    {
        if (expression.IsEmpty)
        {
            return false;
        }
        var op = expression[0] is '+' or '#' or '.' or '/' or ';' or '?' or '&' ? expression[0] : '\0';
        var list = op == '\0' ? expression : expression[1..];
        var variables = new List<string>();
        foreach (var range in list.Split(','))
        {
            if (!TryReadVariable(list[range], out var name) || !names.Add(name))
            {
                return false;
            }
            variables.Add(name);
        }
        switch (op)
        {
            case '+':
                AppendList(pattern, variables, prefix: null, separator: @"\,", "[^?&#]*");
                return true;
            case '#':
                AppendList(pattern, variables, prefix: @"\#", separator: @"\,", ".*");
                return true;
            case '.':
                AppendList(pattern, variables, prefix: @"\.", separator: @"\.", "[^/?#]*");
                return true;
            case '/':
                AppendList(pattern, variables, prefix: "/", separator: "/", "[^/?#]*");
                return true;
            case ';':
                // Each a path parameter ";name" with an optional "=value".
                foreach (var name in variables)
                {
                    pattern.Append("(?:;").Append(name).Append("(?:=(?<").Append(name).Append(">[^;/?&]*))?)?");
                }
                return true;
            case '?' or '&':
                // One optional query part: the operator, then each "name=value" optional, later ones after an optional '&'.
                pattern.Append(@"(?:\").Append(op);
                for (var i = 0; i < variables.Count; i++)
                {
                    if (i > 0)
                    {
                        pattern.Append(@"\&?");
                    }
                    pattern.Append("(?:").Append(variables[i]).Append("=(?<").Append(variables[i]).Append(">[^/?&]*))?");
                }
                pattern.Append(")?");
                return true;
            default:
                AppendList(pattern, variables, prefix: null, separator: @"\,", "[^/?&#]*");
                return true;
        }
    }

    private static void AppendList(StringBuilder pattern, List<string> variables, string? prefix, string separator, string valueCharacters)
    {
        if (prefix is not null)
        {
            pattern.Append(prefix).Append('?');
        }
        for (var i = 0; i < variables.Count; i++)
        {
            if (i > 0)
            {
                pattern.Append(separator).Append('?');
            }
            pattern.Append("(?<").Append(variables[i]).Append('>').Append(valueCharacters).Append(")?");
        }
    }

    /// <summary>A varspec: a name of <c>[A-Za-z0-9_]</c>, optionally with a prefix modifier (<c>:1</c>–<c>:9999</c>) or explode (<c>*</c>), which do not change what is matched.</summary>
    private static bool TryReadVariable(ReadOnlySpan<char> spec, out string name)
    {
        name = string.Empty;
        var end = 0;
        while (end < spec.Length && (char.IsAsciiLetterOrDigit(spec[end]) || spec[end] == '_'))
        {
            end++;
        }
        if (end == 0)
        {
            return false;
        }
        var modifier = spec[end..];
        if (!modifier.IsEmpty && !modifier.SequenceEqual("*"))
        {
            if (modifier.Length is < 2 or > 5 || modifier[0] != ':' || modifier[1] is < '1' or > '9')
            {
                return false;
            }
            foreach (var c in modifier[2..])
            {
                if (!char.IsAsciiDigit(c))
                {
                    return false;
                }
            }
        }
        name = spec[..end].ToString();
        return true;
    }
}
