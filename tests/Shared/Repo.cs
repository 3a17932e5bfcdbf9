namespace Dcnet.TestSupport;

/// <summary>Paths inside the repository, found from the test binary's location.</summary>
public static class Repo
{
    private static readonly Lazy<string> LazyRoot = new(() =>
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(System.IO.Path.Combine(dir.FullName, "dcnet.slnx")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("cannot find the repository root (dcnet.slnx) above " + AppContext.BaseDirectory);
    });

    public static string Root => LazyRoot.Value;

    public static string Path(params string[] parts) => System.IO.Path.Combine([Root, .. parts]);

    public static string Read(params string[] parts) => File.ReadAllText(Path(parts));

    /// <summary>
    /// The steering repository's shared/ folder (schemas, peer recipes): beside the repository as ../shared, or where
    /// DCNET_SHARED_DIR points.
    /// </summary>
    public static string Shared(params string[] parts)
    {
        string? env = Environment.GetEnvironmentVariable("DCNET_SHARED_DIR");
        string dir = env is { Length: > 0 } ? env : System.IO.Path.GetFullPath(System.IO.Path.Combine(Root, "..", "shared"));
        return System.IO.Path.Combine([dir, .. parts]);
    }
}
