using System.Text;

namespace AgentAuth.AspNetCore;

/// <summary>Formats auth-param values (RFC 9110 §11.2) so nothing a value holds can break the header it goes in.</summary>
internal static class HeaderValue
{
    /// <summary>Appends <c>name="value"</c>, escaping <c>"</c> and <c>\</c> and replacing characters that are not visible ASCII or space.</summary>
    public static void AppendQuotedParameter(StringBuilder builder, string name, string value)
    {
        builder.Append(name).Append("=\"");
        foreach (var c in value)
        {
            if (c == '"' || c == '\\')
            {
                builder.Append('\\').Append(c);
            }
            else if (c is >= ' ' and <= '~')
            {
                builder.Append(c);
            }
            else
            {
                builder.Append('?');
            }
        }
        builder.Append('"');
    }

    /// <summary>Appends the separator between auth-params: a space after the scheme name, else <c>", "</c>.</summary>
    public static void AppendSeparator(StringBuilder builder, ref bool first)
    {
        builder.Append(first ? " " : ", ");
        first = false;
    }
}
