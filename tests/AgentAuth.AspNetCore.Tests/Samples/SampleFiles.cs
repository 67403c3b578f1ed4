namespace AgentAuth.AspNetCore.Tests.Samples;

/// <summary>Finds files of the repository (samples, docs) from the test's output directory.</summary>
internal static class SampleFiles
{
    private static readonly Lazy<string> s_root = new(() =>
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "AgentAuth.AspNetCore.sln")))
            {
                return directory.FullName;
            }
        }
        throw new InvalidOperationException("The repository root (AgentAuth.AspNetCore.sln) is not above " + AppContext.BaseDirectory);
    });

    public static string Root => s_root.Value;

    public static string PathOf(string relative) => Path.Combine(Root, relative.Replace('/', Path.DirectorySeparatorChar));

    public static string Read(string relative) => File.ReadAllText(PathOf(relative));
}
