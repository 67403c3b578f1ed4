using System.IO.Compression;
using System.Xml.Linq;

namespace AgentAuth.AspNetCore.Tests.Packaging;

/// <summary>
/// <c>dotnet pack</c> of the whole solution, once for the <see cref="PackagingCollection"/>, into a temporary folder
/// (build output under its own artifacts path, so the repository's bin and obj are left alone).
/// </summary>
public sealed class PackedSolution : IAsyncLifetime
{
    /// <summary>The shipped projects: every project under src/ is one package.</summary>
    public static IReadOnlyList<string> ShippedProjects { get; } =
        Directory.GetDirectories(SampleFilesRoot("src")).Where(d => File.Exists(Path.Combine(d, Path.GetFileName(d) + ".csproj")))
            .Select(Path.GetFileName).OrderBy(n => n, StringComparer.Ordinal).ToArray()!;

    public string WorkDirectory { get; } = Path.Combine(Path.GetTempPath(), "agentauth-packaging-" + Guid.NewGuid().ToString("N")[..12]);

    public string PackageDirectory => Path.Combine(WorkDirectory, "packages");

    internal DotnetCli.Result Pack { get; private set; } = new(-1, "not run");

    /// <summary>The <c>Version</c> of Directory.Build.props, the version every package carries.</summary>
    public static string Version =>
        XDocument.Load(SampleFilesRoot("Directory.Build.props")).Descendants("Version").Single().Value;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(WorkDirectory);
        Pack = await DotnetCli.RunAsync(Samples.SampleFiles.Root, TimeSpan.FromMinutes(10), null,
            "pack", "AgentAuth.AspNetCore.sln", "-c", "Release", "-o", PackageDirectory,
            "-p:UseArtifactsOutput=true", "-p:ArtifactsPath=" + Path.Combine(WorkDirectory, "artifacts"),
            "-p:UseSharedCompilation=false", "-nodeReuse:false");
    }

    public Task DisposeAsync()
    {
        try
        {
            Directory.Delete(WorkDirectory, recursive: true);
        }
        catch (IOException)
        {
            // A process of the fresh app still closing; the folder is under the temp directory anyway.
        }
        catch (UnauthorizedAccessException)
        {
        }
        return Task.CompletedTask;
    }

    /// <summary>Asserts that the pack succeeded and returns the path of <c>{id}.{version}.{extension}</c>.</summary>
    public string PackagePath(string id, string extension = "nupkg")
    {
        Assert.True(Pack.ExitCode == 0, "dotnet pack failed:\n" + DotnetCli.Tail(Pack.Output));
        var path = Path.Combine(PackageDirectory, $"{id}.{Version}.{extension}");
        Assert.True(File.Exists(path), $"{Path.GetFileName(path)} was not produced; the folder has: " +
            string.Join(", ", Directory.Exists(PackageDirectory) ? Directory.GetFiles(PackageDirectory).Select(Path.GetFileName) : []));
        return path;
    }

    /// <summary>The package's nuspec.</summary>
    public XElement Nuspec(string id)
    {
        using var zip = ZipFile.OpenRead(PackagePath(id));
        var entry = zip.GetEntry(id + ".nuspec") ?? throw new InvalidOperationException(id + ".nupkg has no nuspec");
        using var stream = entry.Open();
        return XDocument.Load(stream).Root!;
    }

    private static string SampleFilesRoot(string relative) => Samples.SampleFiles.PathOf(relative);
}

/// <summary>Tests that pack or publish the solution: one at a time, and the pack is shared.</summary>
[CollectionDefinition(Name)]
public sealed class PackagingCollection : ICollectionFixture<PackedSolution>
{
    public const string Name = "Packaging";
}
