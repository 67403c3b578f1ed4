using System.Text;

namespace AgentAuth.HttpSignatures;

/// <summary>
/// One RFC 9421 component identifier: a derived component (<c>@method</c>, <c>@path</c>, ...) or an HTTP field
/// name, with its parameters (<c>sf</c>, <c>key</c>, <c>bs</c>, <c>req</c>, <c>tr</c>, <c>name</c>). Identifiers
/// read from a <c>Signature-Input</c> header reference the header text instead of copying it.
/// </summary>
public readonly struct SignatureComponent : IEquatable<SignatureComponent>
{
    private readonly string? _name;
    private readonly string? _argumentSource;
    private readonly int _argumentStart;
    private readonly int _argumentLength;
    private readonly int _order;

    internal SignatureComponent(string name, DerivedComponent derived, ComponentParameter parameters, int order,
        string? argumentSource, int argumentStart, int argumentLength)
    {
        _name = name;
        Derived = derived;
        Parameters = parameters;
        _order = order;
        _argumentSource = argumentSource;
        _argumentStart = argumentStart;
        _argumentLength = argumentLength;
    }

    /// <summary>The component name: a lowercase field name or a derived component name starting with <c>@</c>.</summary>
    public string Name => _name ?? string.Empty;

    /// <summary>Whether this is a derived component (its name starts with <c>@</c>).</summary>
    public bool IsDerived => Derived != DerivedComponent.None;

    /// <summary>Whether the <c>sf</c> parameter is present (strict structured-field re-serialization).</summary>
    public bool IsStructuredField => (Parameters & ComponentParameter.Sf) != 0;

    /// <summary>Whether the <c>bs</c> parameter is present (each field line as a byte sequence).</summary>
    public bool IsByteSequence => (Parameters & ComponentParameter.Bs) != 0;

    /// <summary>Whether the <c>req</c> parameter is present (value taken from the related request).</summary>
    public bool IsFromRelatedRequest => (Parameters & ComponentParameter.Req) != 0;

    /// <summary>Whether the <c>tr</c> parameter is present (value taken from the trailer section).</summary>
    public bool IsFromTrailers => (Parameters & ComponentParameter.Tr) != 0;

    /// <summary>The dictionary member selected by the <c>key</c> parameter, or <see langword="null"/>.</summary>
    public string? Key => (Parameters & ComponentParameter.Key) != 0 ? Argument.ToString() : null;

    /// <summary>The query parameter name of <c>@query-param</c> (as it appears, percent-encoded), or <see langword="null"/>.</summary>
    public string? QueryParameterName => (Parameters & ComponentParameter.Name) != 0 ? Argument.ToString() : null;

    internal DerivedComponent Derived { get; }

    internal ComponentParameter Parameters { get; }

    /// <summary>The unescaped value of the <c>key</c> or <c>name</c> parameter.</summary>
    internal ReadOnlySpan<char> Argument => _argumentSource.AsSpan(_argumentStart, _argumentLength);

    /// <summary><c>@method</c>.</summary>
    public static SignatureComponent Method => OfDerived(DerivedComponent.Method);

    /// <summary><c>@target-uri</c>.</summary>
    public static SignatureComponent TargetUri => OfDerived(DerivedComponent.TargetUri);

    /// <summary><c>@authority</c>.</summary>
    public static SignatureComponent Authority => OfDerived(DerivedComponent.Authority);

    /// <summary><c>@scheme</c>.</summary>
    public static SignatureComponent Scheme => OfDerived(DerivedComponent.Scheme);

    /// <summary><c>@request-target</c>.</summary>
    public static SignatureComponent RequestTarget => OfDerived(DerivedComponent.RequestTarget);

    /// <summary><c>@path</c>.</summary>
    public static SignatureComponent Path => OfDerived(DerivedComponent.Path);

    /// <summary><c>@query</c>.</summary>
    public static SignatureComponent Query => OfDerived(DerivedComponent.Query);

    /// <summary><c>@status</c>.</summary>
    public static SignatureComponent Status => OfDerived(DerivedComponent.Status);

    /// <summary><c>"@query-param";name="…"</c> for the query parameter <paramref name="name"/> (percent-encoded as in RFC 9421 §2.2.8).</summary>
    /// <param name="name">The encoded parameter name.</param>
    public static SignatureComponent QueryParam(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        EnsureSfString(name, nameof(name));
        return new SignatureComponent(ComponentNames.QueryParam, DerivedComponent.QueryParam, ComponentParameter.Name,
            Slot(0, ComponentParameter.Name), name, 0, name.Length);
    }

    /// <summary>An HTTP field, by lowercase name.</summary>
    /// <param name="name">The field name; it must be a lowercase token.</param>
    public static SignatureComponent Field(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (!ComponentNames.IsLowercaseFieldName(name))
        {
            throw new ArgumentException("A field component name must be a lowercase field name.", nameof(name));
        }
        return new SignatureComponent(name, DerivedComponent.None, ComponentParameter.None, 0, null, 0, 0);
    }

    /// <summary>The member <paramref name="key"/> of the dictionary field <paramref name="name"/> (<c>;key="…"</c>).</summary>
    /// <param name="name">The lowercase field name.</param>
    /// <param name="key">The dictionary member key.</param>
    public static SignatureComponent DictionaryMember(string name, string key)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        EnsureSfString(key, nameof(key));
        var field = Field(name);
        return new SignatureComponent(field.Name, DerivedComponent.None, ComponentParameter.Key, Slot(0, ComponentParameter.Key), key, 0, key.Length);
    }

    /// <summary>
    /// Parses one component identifier, either serialized as in a <c>Signature-Input</c> inner list (for example
    /// <c>"@query-param";name="id"</c> or <c>"content-digest";sf</c>) or in the unquoted form used in configuration
    /// (<c>@query-param;name=id</c>, <c>content-digest;sf</c>, <c>example-dict;key=a</c>). This is the one parser of
    /// component identifiers: configuration and <c>Signature-Input</c> headers are read by the same grammar (RFC 9421 §2).
    /// </summary>
    /// <param name="identifier">The identifier.</param>
    /// <param name="component">The component on success.</param>
    /// <param name="error">A short reason on failure.</param>
    /// <returns>Whether <paramref name="identifier"/> is exactly one valid component identifier.</returns>
    public static bool TryParse(string identifier, out SignatureComponent component, out string? error)
    {
        ArgumentNullException.ThrowIfNull(identifier);
        var trimmed = identifier.AsSpan().Trim();
        if (TryParsePlainName(trimmed, out component))
        {
            error = null;
            return true;
        }
        component = default;
        var builder = new StringBuilder(trimmed.Length + 8).Append("c=(");
        if (trimmed.Length > 0 && trimmed[0] == '"')
        {
            builder.Append(trimmed);
        }
        else if (!TryQuoteShorthand(trimmed, builder, out error))
        {
            return false;
        }
        var input = builder.Append(')').ToString();
        var limits = new SignatureInputLimits(1, 1, 0, int.MaxValue);
        if (!SignatureInputParser.TryParse(input, limits, 0, static (_, _) => true, out var view, out _, out _, out _, out error))
        {
            return false;
        }
        if (view.ComponentCount != 1)
        {
            error = "Expected exactly one component identifier.";
            return false;
        }
        Span<SignatureComponent> one = [default];
        view.CopyComponentsTo(one);
        component = one[0];
        return true;
    }

    /// <summary>
    /// A bare name without parameters (<c>@method</c>, <c>content-type</c>), the form configuration almost always uses:
    /// the result the full parser gives for <c>"name"</c> (the same name checks and interned strings of
    /// <see cref="SignatureInputParser"/>), without building and parsing a one-member <c>Signature-Input</c> text, so
    /// that validating options at startup does not compile the structured-field parser. Anything else (parameters,
    /// quotes, an unknown derived component, <c>@query-param</c> without its <c>name</c>, <c>@signature-params</c>, a
    /// name that is not a lowercase token) returns <see langword="false"/> and goes through the full parser, which
    /// accepts or rejects it with its reason.
    /// </summary>
    private static bool TryParsePlainName(ReadOnlySpan<char> name, out SignatureComponent component)
    {
        component = default;
        if (name.IsEmpty)
        {
            return false;
        }
        if (name[0] == '@')
        {
            var derived = ComponentNames.ParseDerived(name);
            if (derived is DerivedComponent.None or DerivedComponent.QueryParam or DerivedComponent.SignatureParams)
            {
                return false;
            }
            component = OfDerived(derived);
            return true;
        }
        if (!ComponentNames.IsLowercaseFieldName(name))
        {
            return false;
        }
        component = new SignatureComponent(ComponentNames.InternField(name), DerivedComponent.None, ComponentParameter.None, 0, null, 0, 0);
        return true;
    }

    /// <summary>
    /// Rewrites the configuration form <c>name;param;param=value</c> as the serialized form <c>"name";param;param="value"</c>
    /// (RFC 9651 §3.3.3 strings), so both are read by the <c>Signature-Input</c> grammar.
    /// </summary>
    private static bool TryQuoteShorthand(ReadOnlySpan<char> text, StringBuilder builder, out string? error)
    {
        error = null;
        var separator = text.IndexOf(';');
        var name = (separator < 0 ? text : text[..separator]).Trim();
        if (name.Length == 0 || name.ContainsAny('"', '\\'))
        {
            error = "Expected a component name.";
            return false;
        }
        builder.Append('"').Append(name).Append('"');
        var rest = separator < 0 ? ReadOnlySpan<char>.Empty : text[(separator + 1)..];
        while (separator >= 0)
        {
            separator = rest.IndexOf(';');
            var parameter = (separator < 0 ? rest : rest[..separator]).Trim();
            rest = separator < 0 ? ReadOnlySpan<char>.Empty : rest[(separator + 1)..];
            var equals = parameter.IndexOf('=');
            if (equals < 0)
            {
                builder.Append(';').Append(parameter);
                continue;
            }
            var value = parameter[(equals + 1)..].Trim();
            builder.Append(';').Append(parameter[..equals].Trim()).Append('=');
            if (value.Length > 0 && value[0] == '"')
            {
                builder.Append(value);
            }
            else if (value.ContainsAny('"', '\\'))
            {
                error = "A parameter value in the unquoted form must not contain '\"' or '\\'.";
                return false;
            }
            else
            {
                builder.Append('"').Append(value).Append('"');
            }
        }
        return true;
    }

    /// <summary>This component with the <c>sf</c> parameter added.</summary>
    public SignatureComponent WithStructuredField() => With(ComponentParameter.Sf);

    /// <summary>This component with the <c>bs</c> parameter added.</summary>
    public SignatureComponent WithByteSequence() => With(ComponentParameter.Bs);

    /// <summary>This component with the <c>req</c> parameter added.</summary>
    public SignatureComponent WithRelatedRequest() => With(ComponentParameter.Req);

    /// <summary>This component with the <c>tr</c> parameter added.</summary>
    public SignatureComponent WithTrailers() => With(ComponentParameter.Tr);

    private SignatureComponent With(ComponentParameter parameter)
    {
        if (_name is null)
        {
            throw new InvalidOperationException("The default SignatureComponent has no name.");
        }
        if ((Parameters & parameter) != 0)
        {
            return this;
        }
        var count = System.Numerics.BitOperations.PopCount((uint)Parameters);
        return new SignatureComponent(_name, Derived, Parameters | parameter, _order | Slot(count, parameter),
            _argumentSource, _argumentStart, _argumentLength);
    }

    private static SignatureComponent OfDerived(DerivedComponent derived) =>
        new(ComponentNames.NameOf(derived), derived, ComponentParameter.None, 0, null, 0, 0);

    private static void EnsureSfString(string value, string parameterName)
    {
        foreach (var c in value)
        {
            if (c is < (char)0x20 or > (char)0x7E)
            {
                throw new ArgumentException("The value must be printable ASCII (an RFC 9651 string).", parameterName);
            }
        }
    }

    /// <summary>Packs "parameter <paramref name="parameter"/> is the <paramref name="position"/>-th" into 3 bits.</summary>
    internal static int Slot(int position, ComponentParameter parameter) =>
        (System.Numerics.BitOperations.TrailingZeroCount((uint)parameter) + 1) << (3 * position);

    /// <summary>The parameters in the order they were written, for serialization.</summary>
    internal int ParameterCount => System.Numerics.BitOperations.PopCount((uint)Parameters);

    internal ComponentParameter ParameterAt(int position) =>
        (ComponentParameter)(1 << (((_order >> (3 * position)) & 7) - 1));

    /// <summary>Same name and the same parameters with the same values, in any order (RFC 9421 §2.5 duplicate rule).</summary>
    public bool Equals(SignatureComponent other) =>
        string.Equals(_name, other._name, StringComparison.Ordinal)
        && Parameters == other.Parameters
        && Argument.SequenceEqual(other.Argument);

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is SignatureComponent other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(_name, Parameters, string.GetHashCode(Argument, StringComparison.Ordinal));

    /// <summary>Equality as in <see cref="Equals(SignatureComponent)"/>.</summary>
    public static bool operator ==(SignatureComponent left, SignatureComponent right) => left.Equals(right);

    /// <summary>Inequality as in <see cref="Equals(SignatureComponent)"/>.</summary>
    public static bool operator !=(SignatureComponent left, SignatureComponent right) => !left.Equals(right);

    /// <summary>The serialized component identifier, for example <c>"@query-param";name="Pet"</c>.</summary>
    public override string ToString()
    {
        var builder = new StringBuilder();
        builder.Append('"').Append(Name).Append('"');
        for (var i = 0; i < ParameterCount; i++)
        {
            var parameter = ParameterAt(i);
            builder.Append(';').Append(ParameterName(parameter));
            if (parameter is ComponentParameter.Key or ComponentParameter.Name)
            {
                builder.Append("=\"");
                foreach (var c in Argument)
                {
                    if (c is '"' or '\\')
                    {
                        builder.Append('\\');
                    }
                    builder.Append(c);
                }
                builder.Append('"');
            }
        }
        return builder.ToString();
    }

    internal static string ParameterName(ComponentParameter parameter) => parameter switch
    {
        ComponentParameter.Sf => "sf",
        ComponentParameter.Key => "key",
        ComponentParameter.Bs => "bs",
        ComponentParameter.Req => "req",
        ComponentParameter.Tr => "tr",
        ComponentParameter.Name => "name",
        _ => throw new ArgumentOutOfRangeException(nameof(parameter)),
    };
}
