namespace Dcnet.Tests.Support;

/// <summary>
/// Golden files live beside their tests. They change only when the tests run with DCNET_UPDATE_GOLDEN=1,
/// which rewrites them from the current output; review the diff before committing.
/// </summary>
public static class Golden
{
    public static bool Updating => Environment.GetEnvironmentVariable("DCNET_UPDATE_GOLDEN") == "1";

    /// <param name="repoRelativePath">The golden file, relative to the repository root.</param>
    /// <param name="actual">What the code produces now.</param>
    public static void Assert(string repoRelativePath, string actual)
    {
        string path = Repo.Path(repoRelativePath);
        if (Updating)
        {
            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
            File.WriteAllText(path, actual);
            return;
        }

        Xunit.Assert.True(File.Exists(path), $"golden file {repoRelativePath} is missing; run the tests with DCNET_UPDATE_GOLDEN=1 to create it");
        string expected = File.ReadAllText(path);
        if (expected != actual)
        {
            Xunit.Assert.Fail($"output differs from {repoRelativePath} (rerun with DCNET_UPDATE_GOLDEN=1 to accept):\n{FirstDifference(expected, actual)}");
        }
    }

    private static string FirstDifference(string expected, string actual)
    {
        var e = expected.Split('\n');
        var a = actual.Split('\n');
        for (int i = 0; i < Math.Max(e.Length, a.Length); i++)
        {
            string el = i < e.Length ? e[i] : "<end>";
            string al = i < a.Length ? a[i] : "<end>";
            if (el != al)
            {
                return $"line {i + 1}:\n  expected: {el}\n  actual:   {al}";
            }
        }

        return "(no line differs; whitespace at the end?)";
    }
}
