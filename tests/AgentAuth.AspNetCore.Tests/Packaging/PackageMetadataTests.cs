using System.Buffers.Binary;
using System.IO.Compression;
using System.Reflection.Metadata;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using AgentAuth.AspNetCore.Tests.Samples;

namespace AgentAuth.AspNetCore.Tests.Packaging;

/// <summary>
/// Every shipped package, as <c>dotnet pack</c> of the solution makes it: the metadata a package page shows (id,
/// version, description, README, icon, tags, project and repository URL, license), the dependencies the project
/// declares and nothing else, the assembly and its XML docs, and a <c>.snupkg</c> whose PDB links to the repository.
/// </summary>
[Collection(PackagingCollection.Name)]
public sealed class PackageMetadataTests
{
    private const string ProjectUrl = "https://github.com/agentauth/AgentAuth.AspNetCore";
    private static readonly Guid s_sourceLinkKind = new("CC110556-A091-4D38-9FEC-25AB9A351A6A");

    private readonly PackedSolution _packed;

    public PackageMetadataTests(PackedSolution packed) => _packed = packed;

    public static TheoryData<string> Packages() => new(PackedSolution.ShippedProjects);

    [Fact]
    public void The_four_libraries_under_src_are_the_shipped_packages()
    {
        Assert.Equal(["AgentAuth.AspNetCore", "AgentAuth.AspNetCore.Mcp", "AgentAuth.AspNetCore.OpenApi", "AgentAuth.AspNetCore.PostgreSql", "AgentAuth.AspNetCore.Redis", "AgentAuth.Client", "AgentAuth.HttpSignatures"], PackedSolution.ShippedProjects);
        var packed = Directory.GetFiles(Path.GetDirectoryName(_packed.PackagePath("AgentAuth.AspNetCore"))!, "*.nupkg").Select(Path.GetFileName).Order(StringComparer.Ordinal);
        Assert.Equal(PackedSolution.ShippedProjects.Select(id => $"{id}.{PackedSolution.Version}.nupkg"), packed);
        Assert.Empty(_packed.Pack.CodedWarnings);
    }

    [Theory]
    [MemberData(nameof(Packages))]
    public void Nuspec_carries_what_a_package_page_shows(string id)
    {
        var nuspec = _packed.Nuspec(id);
        var ns = nuspec.Name.Namespace;
        var metadata = nuspec.Element(ns + "metadata")!;
        string Value(string name) => metadata.Element(ns + name)?.Value ?? "";
        var project = ProjectFile(id);

        Assert.Equal(id, Value("id"));
        Assert.Equal(PackedSolution.Version, Value("version"));
        Assert.Equal(project.Descendants("Description").Single().Value, Value("description"));
        Assert.True(Value("description").Length >= 60, "The description is a sentence a reader can judge the package by.");
        Assert.Equal("MIT", Value("license"));
        Assert.Equal("expression", metadata.Element(ns + "license")!.Attribute("type")!.Value);
        Assert.Equal(ProjectUrl, Value("projectUrl"));
        Assert.False(string.IsNullOrWhiteSpace(Value("authors")));
        Assert.False(string.IsNullOrWhiteSpace(Value("copyright")));

        var repository = metadata.Element(ns + "repository")!;
        Assert.Equal("git", repository.Attribute("type")?.Value);
        Assert.Equal(ProjectUrl, repository.Attribute("url")?.Value);
        Assert.Equal(GitHead(), repository.Attribute("commit")?.Value);

        var tags = Value("tags").Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var ownTags = project.Descendants("PackageTags").Single().Value.Replace("$(PackageTags);", "", StringComparison.Ordinal).Split(';');
        Assert.Superset(new HashSet<string>(["agentauth", "rfc9421", "http-message-signatures", .. ownTags]), new HashSet<string>(tags));

        Assert.Equal("README.md", Value("readme"));
        Assert.Equal("icon.png", Value("icon"));
    }

    [Theory]
    [MemberData(nameof(Packages))]
    public void Readme_and_icon_are_in_the_package_and_the_readme_links_work_on_a_package_page(string id)
    {
        using var zip = ZipFile.OpenRead(_packed.PackagePath(id));
        var readme = ReadEntry(zip, "README.md");
        Assert.Equal(File.ReadAllBytes(SampleFiles.PathOf($"src/{id}/README.md")), readme);
        var text = Encoding.UTF8.GetString(readme);
        Assert.StartsWith("# " + id + "\n", text, StringComparison.Ordinal);
        Assert.Contains("dotnet add package " + id, text, StringComparison.Ordinal);
        Assert.Contains("## Quick start", text, StringComparison.Ordinal);
        Assert.Contains("```csharp", text, StringComparison.Ordinal);

        // A package page resolves no relative link: every link is absolute, and those into this repository name a file or
        // folder that exists.
        var links = Regex.Matches(text, @"\]\((?<url>[^)\s]+)\)").Select(m => m.Groups["url"].Value).ToArray();
        Assert.NotEmpty(links);
        foreach (var link in links)
        {
            Assert.StartsWith("https://", link, StringComparison.Ordinal);
            var inRepository = Regex.Match(link, "^" + Regex.Escape(ProjectUrl) + "/(blob|tree)/main/(?<path>.+)$");
            if (inRepository.Success)
            {
                var path = SampleFiles.PathOf(inRepository.Groups["path"].Value);
                Assert.True(File.Exists(path) || Directory.Exists(path), link + " points at nothing in the repository");
            }
        }

        var icon = ReadEntry(zip, "icon.png");
        Assert.Equal(File.ReadAllBytes(SampleFiles.PathOf("assets/icon.png")), icon);
        Assert.True(icon.AsSpan(0, 8).SequenceEqual(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }), "icon.png is a PNG");
        Assert.Equal(128, BinaryPrimitives.ReadInt32BigEndian(icon.AsSpan(16))); // IHDR width
        Assert.Equal(128, BinaryPrimitives.ReadInt32BigEndian(icon.AsSpan(20))); // IHDR height
    }

    [Theory]
    [MemberData(nameof(Packages))]
    public void Dependencies_are_exactly_what_the_project_references(string id)
    {
        var nuspec = _packed.Nuspec(id);
        var ns = nuspec.Name.Namespace;
        var groups = nuspec.Descendants(ns + "dependencies").Elements(ns + "group").ToArray();
        var group = Assert.Single(groups);
        Assert.Equal("net10.0", group.Attribute("targetFramework")!.Value);
        var actual = group.Elements(ns + "dependency")
            .ToDictionary(d => d.Attribute("id")!.Value, d => d.Attribute("version")!.Value, StringComparer.Ordinal);

        var project = ProjectFile(id);
        var central = XDocument.Load(SampleFiles.PathOf("Directory.Packages.props")).Descendants("PackageVersion")
            .ToDictionary(p => p.Attribute("Include")!.Value, p => p.Attribute("Version")!.Value, StringComparer.Ordinal);
        var expected = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var reference in project.Descendants("PackageReference").Where(r => r.Attribute("PrivateAssets")?.Value != "all"))
        {
            var name = reference.Attribute("Include")!.Value;
            expected[name] = central[name];
        }
        foreach (var reference in project.Descendants("ProjectReference"))
        {
            // A project reference ships as a dependency on the sibling package of the same version, not as a copied DLL.
            expected[Path.GetFileNameWithoutExtension(reference.Attribute("Include")!.Value.Replace('\\', '/'))] = PackedSolution.Version;
        }
        Assert.Equal(expected.OrderBy(p => p.Key, StringComparer.Ordinal), actual.OrderBy(p => p.Key, StringComparer.Ordinal));
        Assert.DoesNotContain(actual.Keys, name => name.StartsWith("Microsoft.SourceLink", StringComparison.Ordinal));
        Assert.All(group.Elements(ns + "dependency"), d => Assert.Equal("Build,Analyzers", d.Attribute("exclude")?.Value));

        var frameworks = nuspec.Descendants(ns + "frameworkReference").Select(f => f.Attribute("name")!.Value).ToArray();
        Assert.Equal(project.Descendants("FrameworkReference").Select(f => f.Attribute("Include")!.Value), frameworks);
    }

    [Theory]
    [MemberData(nameof(Packages))]
    public void Package_holds_the_assembly_and_its_docs_and_the_snupkg_links_sources_to_the_repository(string id)
    {
        using (var zip = ZipFile.OpenRead(_packed.PackagePath(id)))
        {
            var files = zip.Entries.Select(e => e.FullName).Where(n => !n.StartsWith("_rels/", StringComparison.Ordinal) &&
                !n.StartsWith("package/", StringComparison.Ordinal) && n != "[Content_Types].xml").Order(StringComparer.Ordinal);
            string[] expected = [$"{id}.nuspec", "README.md", "icon.png", $"lib/net10.0/{id}.dll", $"lib/net10.0/{id}.xml"];
            if (id == "AgentAuth.AspNetCore.OpenApi")
            {
                // Its build targets enable Microsoft.AspNetCore.OpenApi's interceptors in apps that reference only this package.
                expected = [.. expected, $"build/{id}.targets", $"buildTransitive/{id}.targets"];
            }
            Assert.Equal(expected.Order(StringComparer.Ordinal), files);
        }

        using var symbols = ZipFile.OpenRead(_packed.PackagePath(id, "snupkg"));
        var pdb = ReadEntry(symbols, $"lib/net10.0/{id}.pdb");
        using var provider = MetadataReaderProvider.FromPortablePdbImage(System.Collections.Immutable.ImmutableArray.Create(pdb));
        var reader = provider.GetMetadataReader();
        string? sourceLink = null;
        foreach (var handle in reader.GetCustomDebugInformation(EntityHandle.ModuleDefinition))
        {
            var information = reader.GetCustomDebugInformation(handle);
            if (reader.GetGuid(information.Kind) == s_sourceLinkKind)
            {
                sourceLink = Encoding.UTF8.GetString(reader.GetBlobBytes(information.Value));
            }
        }
        Assert.NotNull(sourceLink);
        using var json = JsonDocument.Parse(sourceLink);
        var targets = json.RootElement.GetProperty("documents").EnumerateObject().Select(p => p.Value.GetString()).ToArray();
        // The project's repository, or a fork's when the clone's remote is a GitHub fork: always the commit that was packed.
        Assert.Contains(targets, t => t is not null && Regex.IsMatch(t, $@"^https://raw\.githubusercontent\.com/[\w.-]+/[\w.-]+/{GitHead()}/\*$"));
    }

    private static XDocument ProjectFile(string id) => XDocument.Load(SampleFiles.PathOf($"src/{id}/{id}.csproj"));

    private static byte[] ReadEntry(ZipArchive zip, string name)
    {
        var entry = zip.GetEntry(name);
        Assert.True(entry is not null, name + " is missing from the package");
        using var stream = entry.Open();
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }

    private static readonly Lazy<string> s_head = new(() =>
    {
        var start = new System.Diagnostics.ProcessStartInfo("git", "rev-parse HEAD")
        {
            WorkingDirectory = SampleFiles.Root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        using var git = System.Diagnostics.Process.Start(start)!;
        var head = git.StandardOutput.ReadToEnd().Trim();
        git.WaitForExit();
        Assert.True(git.ExitCode == 0 && Regex.IsMatch(head, "^[0-9a-f]{40}$"), "git rev-parse HEAD failed: " + git.StandardError.ReadToEnd());
        return head;
    });

    private static string GitHead() => s_head.Value;
}
