namespace AgentAuth.HttpSignatures.Tests.Signatures;

/// <summary>Every RFC 9421 §2.5 failure surfaces as its own <see cref="ComponentError"/>.</summary>
public sealed class ComponentErrorTests
{
    private const string Request =
        "GET /p?a=1&b=2&b=3 HTTP/1.1\nHost: example.com\nExample-Dict: a=1, b=2\nNot-Sf: (((\nX-Text: caf\u00e9\n\n";

    private const string Response = "HTTP/1.1 200 OK\nContent-Type: text/plain\n\n";

    public static IEnumerable<object[]> ParseErrors() =>
    [
        ["(\"@method\" \"@method\")", ComponentError.DuplicateComponent],
        ["(\"example-dict\";sf;bs \"example-dict\";bs;sf)", ComponentError.IncompatibleParameters],
        ["(\"example-dict\";sf;tr \"example-dict\";tr;sf)", ComponentError.DuplicateComponent],
        ["(\"@query-param\";name=\"a\" \"@query-param\";name=\"a\")", ComponentError.DuplicateComponent],
        ["(\"@foo\")", ComponentError.UnknownDerivedComponent],
        ["(\"host\";foo)", ComponentError.UnknownParameter],
        ["(\"@method\";sf)", ComponentError.InvalidParameter],
        ["(\"host\";name=\"x\")", ComponentError.InvalidParameter],
        ["(\"host\";sf=?0)", ComponentError.InvalidParameter],
        ["(\"host\";key=1)", ComponentError.InvalidParameter],
        ["(\"example-dict\";key=\"a\";bs)", ComponentError.IncompatibleParameters],
        ["(\"@query-param\")", ComponentError.QueryParamNameMissing],
        ["(\"@signature-params\")", ComponentError.SignatureParamsCovered],
        ["(\"Host\")", ComponentError.InvalidComponentName],
        ["(host)", ComponentError.InvalidComponentName],
        ["(\"\")", ComponentError.InvalidComponentName],
    ];

    [Theory]
    [MemberData(nameof(ParseErrors))]
    public void Invalid_identifiers_are_rejected_while_parsing(string innerList, ComponentError expected)
    {
        Assert.False(BaseTestHelper.TryParseInput("sig=" + innerList + ";created=1", "sig", out _, out var error, out var reason));
        Assert.Equal(expected, error);
        Assert.False(string.IsNullOrEmpty(reason));
    }

    public static IEnumerable<object[]> BaseErrors() =>
    [
        ["request", "(\"x-missing\")", ComponentError.MissingField],
        ["request", "(\"x-missing\";tr)", ComponentError.MissingField],
        ["request", "(\"not-sf\";key=\"a\")", ComponentError.InvalidStructuredField],
        ["request", "(\"example-dict\";key=\"c\")", ComponentError.DictionaryMemberMissing],
        ["request", "(\"host\";sf)", ComponentError.UnknownStructuredFieldType],
        ["request", "(\"not-sf\";sf)", ComponentError.UnknownStructuredFieldType],
        ["request", "(\"@status\")", ComponentError.StatusOnRequest],
        ["request", "(\"@method\";req)", ComponentError.RequestParameterOnRequest],
        ["request", "(\"@query-param\";name=\"c\")", ComponentError.QueryParamNotFound],
        ["request", "(\"@query-param\";name=\"b\")", ComponentError.QueryParamRepeated],
        ["request", "(\"x-text\")", ComponentError.NonAsciiValue],
        ["response", "(\"@method\")", ComponentError.RequestComponentOnResponse],
        ["response", "(\"@authority\";req)", ComponentError.RelatedRequestMissing],
    ];

    [Theory]
    [MemberData(nameof(BaseErrors))]
    public void Components_that_cannot_be_computed_fail_with_a_distinct_error(string kind, string innerList, ComponentError expected)
    {
        Assert.True(RawHttpMessage.TryParse(kind == "request" ? Request : Response, "https", null, out var message));
        Assert.True(BaseTestHelper.TryParseInput("sig=" + innerList, "sig", out var view, out _, out var reason), reason);
        Assert.False(BaseTestHelper.TryBuild(message!, view, BaseTestHelper.TypesWithExampleDict, out _, out var error));
        Assert.Equal(expected, error);
    }

    [Fact]
    public void Same_parameters_in_another_order_are_the_same_component()
    {
        Assert.False(BaseTestHelper.TryParseInput("sig=(\"example-dict\";sf;req \"example-dict\";req;sf)", "sig", out _, out var error, out _));
        Assert.Equal(ComponentError.DuplicateComponent, error);
    }

    [Fact]
    public void Parameters_keep_their_received_order_in_the_base()
    {
        Assert.True(RawHttpMessage.TryParse("GET / HTTP/1.1\nHost: a\nTrailer: x\n\n", "https", null, out var request));
        Assert.True(RawHttpMessage.TryParse("HTTP/1.1 200 OK\nX: 1\n\n", "https", request, out var response));
        var signatureBase = BaseTestHelper.Build(response!, "sig=(\"trailer\";bs;req \"@authority\";req)");
        Assert.StartsWith("\"trailer\";bs;req: :eA==:\n\"@authority\";req: a\n\"@signature-params\": (\"trailer\";bs;req \"@authority\";req)", signatureBase, StringComparison.Ordinal);
    }

    [Fact]
    public void Limits_are_enforced_with_a_reason()
    {
        var many = "sig=(" + string.Join(' ', Enumerable.Range(0, 33).Select(i => "\"x-" + i + "\"")) + ")";
        Assert.False(BaseTestHelper.TryParseInput(many, "sig", out _, out _, out var reason));
        Assert.Contains("MaxComponents", reason, StringComparison.Ordinal);

        var labels = string.Join(", ", Enumerable.Range(0, 9).Select(i => "s" + i + "=()"));
        Assert.False(BaseTestHelper.TryParseInput(labels, "s0", out _, out _, out reason));
        Assert.Contains("MaxSignatures", reason, StringComparison.Ordinal);

        var parameters = "sig=()" + string.Concat(Enumerable.Range(0, 9).Select(i => ";p" + i + "=1"));
        Assert.False(BaseTestHelper.TryParseInput(parameters, "sig", out _, out _, out reason));
        Assert.Contains("MaxParameters", reason, StringComparison.Ordinal);

        Assert.False(BaseTestHelper.TryParseInput("sig=(\"" + new string('a', 9000) + "\")", "sig", out _, out _, out reason));
        Assert.Contains("MaxHeaderLength", reason, StringComparison.Ordinal);

        Assert.False(BaseTestHelper.TryParseInput("sig=(), sig=()", "sig", out _, out _, out reason));
        Assert.Contains("repeats", reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("sig=(\"@method\"")]
    [InlineData("sig=\"@method\"")]
    [InlineData("sig")]
    [InlineData("sig=();created=\"1\"")]
    [InlineData("sig=();keyid=1")]
    [InlineData("sig=();created=-1")]
    [InlineData("sig=();created=1;created=2")]
    [InlineData("Sig=()")]
    [InlineData("sig=(),")]
    public void Malformed_signature_input_is_rejected(string input)
    {
        Assert.False(BaseTestHelper.TryParseInput(input, "sig", out _, out _, out var reason));
        Assert.False(string.IsNullOrEmpty(reason));
    }
}

public sealed class SignatureComponentTests
{
    [Theory]
    [InlineData("\"@method\"")]
    [InlineData("\"@query-param\";name=\"fa%C3%A7ade\"")]
    [InlineData("\"content-digest\";sf")]
    [InlineData("\"example-dict\";key=\"a\";req")]
    [InlineData("\"expires\";tr;bs")]
    public void Identifiers_round_trip_through_try_parse(string identifier)
    {
        Assert.True(SignatureComponent.TryParse(identifier, out var component, out var error), error);
        Assert.Equal(identifier, component.ToString());
    }

    [Theory]
    [InlineData("\"@method\" \"@path\"")]
    [InlineData("\"@nope\"")]
    [InlineData("\"Host\"")]
    [InlineData("")]
    public void Invalid_identifiers_do_not_parse(string identifier) =>
        Assert.False(SignatureComponent.TryParse(identifier, out _, out _));

    [Fact]
    public void Factories_build_the_same_components_as_parsing()
    {
        Assert.True(SignatureComponent.TryParse("\"example-dict\";key=\"a\"", out var parsed, out _));
        Assert.Equal(SignatureComponent.DictionaryMember("example-dict", "a"), parsed);
        Assert.Equal("a", parsed.Key);
        Assert.True(SignatureComponent.TryParse("\"@query-param\";name=\"Pet\"", out parsed, out _));
        Assert.Equal(SignatureComponent.QueryParam("Pet"), parsed);
        Assert.Equal("Pet", parsed.QueryParameterName);
        Assert.True(SignatureComponent.Field("x").WithStructuredField().WithRelatedRequest().IsFromRelatedRequest);
        Assert.Throws<ArgumentException>(() => SignatureComponent.Field("X-Upper"));
    }
}
