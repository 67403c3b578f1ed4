using System.Text.RegularExpressions;
using AgentAuth.Testing;

namespace AgentAuth.AspNetCore.Tests.Authorization;

/// <summary>
/// Reads the coverage and combination tables of <c>docs/scopes.md</c>, so the documented rows and the tests are the
/// same data. Cells hold values in code spans; a cell without one (<c>(none)</c>, <c>—</c>) holds no value.
/// </summary>
internal static partial class ScopeDocTables
{
    public sealed record CoverageRow(int Line, string[] Granted, string Required, KeyValuePair<string, string>[] RouteValues, string Result, string Why)
    {
        public override string ToString() => $"line {Line}: [{string.Join(' ', Granted)}] vs {Required} -> {Result}";
    }

    public sealed record CombinationRow(int Line, string[] Granted, string[] Requirements, string Result, string Why)
    {
        public override string ToString() => $"line {Line}: [{string.Join(' ', Granted)}] vs [{string.Join("] + [", Requirements)}] -> {Result}";
    }

    private static readonly Lazy<string[]> s_lines = new(() =>
        File.ReadAllLines(Path.Combine(ConformanceFiles.RepositoryRoot, "docs", "scopes.md")));

    public static IReadOnlyList<CoverageRow> Coverage() =>
        Rows("coverage-table", 5)
            .Select(r => new CoverageRow(
                r.Line,
                CodeSpans(r.Cells[0]),
                CodeSpans(r.Cells[1]).SingleOrDefault() ?? string.Empty,
                CodeSpans(r.Cells[2]).Select(ParseRouteValue).ToArray(),
                r.Cells[3].Trim(),
                r.Cells[4].Trim()))
            .ToList();

    public static IReadOnlyList<CombinationRow> Combination() =>
        Rows("combination-table", 4)
            .Select(r => new CombinationRow(r.Line, CodeSpans(r.Cells[0]), CodeSpans(r.Cells[1]), r.Cells[2].Trim(), r.Cells[3].Trim()))
            .ToList();

    private static IEnumerable<(int Line, string[] Cells)> Rows(string marker, int columns)
    {
        var lines = s_lines.Value;
        var start = Array.IndexOf(lines, $"<!-- {marker}:start -->");
        var end = Array.IndexOf(lines, $"<!-- {marker}:end -->");
        if (start < 0 || end < start)
        {
            throw new InvalidOperationException($"docs/scopes.md has no {marker} markers.");
        }
        // Skip the header and the separator row.
        for (var i = start + 3; i < end; i++)
        {
            var line = lines[i];
            if (!line.StartsWith('|'))
            {
                throw new InvalidOperationException($"docs/scopes.md line {i + 1} inside {marker} is not a table row.");
            }
            var cells = line.Trim().Trim('|').Split('|');
            if (cells.Length != columns)
            {
                throw new InvalidOperationException($"docs/scopes.md line {i + 1} has {cells.Length} cells, expected {columns}.");
            }
            yield return (i + 1, cells);
        }
    }

    private static string[] CodeSpans(string cell) => CodeSpan().Matches(cell).Select(m => m.Groups[1].Value).ToArray();

    private static KeyValuePair<string, string> ParseRouteValue(string text)
    {
        var equals = text.IndexOf('=');
        return new KeyValuePair<string, string>(text[..equals], text[(equals + 1)..]);
    }

    [GeneratedRegex("`([^`]*)`")]
    private static partial Regex CodeSpan();
}
