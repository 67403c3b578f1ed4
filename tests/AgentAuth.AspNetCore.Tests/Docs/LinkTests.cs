using System.Text.RegularExpressions;
using AgentAuth.AspNetCore.Tests.Samples;

namespace AgentAuth.AspNetCore.Tests.Docs;

/// <summary>The README links every document in docs/, and the relative links of the README and docs/ point at files in the repository.</summary>
public sealed partial class LinkTests
{
    // Documents other engineers write on their own branches; the README links them before they land.
    private static readonly HashSet<string> s_pending = new(StringComparer.Ordinal) { "docs/security.md", "docs/performance.md" };

    [GeneratedRegex(@"\]\(([^)#\s]+)(#[^)]*)?\)")]
    private static partial Regex MarkdownLink();

    [Fact]
    public void Readme_links_every_document()
    {
        var readme = SampleFiles.Read("README.md");
        var documents = Directory.GetFiles(SampleFiles.PathOf("docs"), "*.md").Select(p => "docs/" + Path.GetFileName(p)).ToList();

        Assert.NotEmpty(documents);
        Assert.All(documents, doc => Assert.Contains("](" + doc + ")", readme));
    }

    [Theory]
    [InlineData("README.md")]
    [InlineData("docs/errors.md")]
    [InlineData("docs/protocols.md")]
    [InlineData("docs/getting-started.md")]
    [InlineData("docs/configuration.md")]
    public void Relative_links_point_at_existing_files(string document)
    {
        var directory = Path.GetDirectoryName(SampleFiles.PathOf(document))!;
        var targets = MarkdownLink().Matches(SampleFiles.Read(document)).Select(m => m.Groups[1].Value)
            .Where(t => !t.Contains("://", StringComparison.Ordinal))
            .ToList();

        Assert.All(targets, target =>
        {
            var full = Path.GetFullPath(Path.Combine(directory, target));
            var relative = Path.GetRelativePath(SampleFiles.Root, full).Replace(Path.DirectorySeparatorChar, '/');
            if (s_pending.Contains(relative) || relative.StartsWith("../", StringComparison.Ordinal))
            {
                return; // pending documents, and ../shared (outside the repository)
            }
            Assert.True(File.Exists(full) || Directory.Exists(full), document + " links to a missing " + target);
        });
    }
}
