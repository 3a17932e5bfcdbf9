using System.Diagnostics;
using Dcnet.Design;
using Dcnet.IO;
using Dcnet.Tests.Support;

namespace Dcnet.Tests.IO;

/// <summary>
/// dcnet render killed with SIGKILL at random moments: the output directory always holds either the previous
/// complete set of files or the new complete set, never a truncated file or a stray temporary file.
/// </summary>
public class CrashSafeOutputTests
{
    public const int Runs = 200;

    [Fact]
    public void Render_killed_at_random_moments_leaves_the_old_or_the_new_set_whole()
    {
        using var tmp = new TempDir();
        string a = Path.Combine(tmp.Path, "a.yaml"), b = Path.Combine(tmp.Path, "b.yaml");
        File.WriteAllText(a, DesignGenerator.Generate(new GeneratorOptions { Name = "a", Vms = 20000, Hosts = 1200, Groups = 400 }));
        File.WriteAllText(b, DesignGenerator.Generate(new GeneratorOptions { Name = "b", Vms = 20000, Hosts = 1000, Groups = 400 }));
        string refA = Path.Combine(tmp.Path, "ref-a"), refB = Path.Combine(tmp.Path, "ref-b"), output = Path.Combine(tmp.Path, "out", "linux");
        Assert.Equal(0, CliProcess.Run(null, "render", a, "--target", "linux", "-o", refA).Code);
        var watch = Stopwatch.StartNew();
        Assert.Equal(0, CliProcess.Run(null, "render", b, "--target", "linux", "-o", refB).Code);
        double full = watch.Elapsed.TotalMilliseconds;
        var setA = CliProcess.Snapshot(refA);
        var setB = CliProcess.Snapshot(refB);
        Assert.NotEqual(setA.Count, setB.Count);

        Assert.Equal(0, CliProcess.Run(null, "render", a, "--target", "linux", "-o", output).Code);
        var rnd = new Random(20261125);
        int sawOld = 0, sawNew = 0;
        for (int i = 0; i < Runs; i++)
        {
            string design = i % 2 == 0 ? b : a;
            using (var p = Process.Start(CliProcess.StartInfo(null, "render", design, "--target", "linux", "-o", output))!)
            {
                Thread.Sleep(TimeSpan.FromMilliseconds(rnd.NextDouble() * full * 1.1));
                try
                {
                    p.Kill();
                }
                catch (InvalidOperationException)
                {
                }

                p.WaitForExit();
            }

            var now = CliProcess.Snapshot(output);
            bool isA = Same(now, setA), isB = Same(now, setB);
            Assert.True(isA || isB, $"run {i}: the output directory holds neither complete set ({now.Count} files)");
            if ((i % 2 == 0) == isB)
            {
                sawNew++;
            }
            else
            {
                sawOld++;
            }

            Assert.Empty(Directory.GetFileSystemEntries(output, "*" + AtomicFile.TempMarker + "*", SearchOption.AllDirectories));
        }

        // A later run clears whatever the killed ones left beside the directory, and succeeds.
        Assert.Equal(0, CliProcess.Run(null, "render", a, "--target", "linux", "-o", output).Code);
        Assert.Empty(Directory.GetFileSystemEntries(Path.GetDirectoryName(output)!, "*" + AtomicFile.TempMarker + "*"));
        Assert.True(Same(CliProcess.Snapshot(output), setA));
        Assert.True(sawOld > 0 && sawNew > 0, $"kill moments must hit both before and after the swap (old {sawOld}, new {sawNew})");
    }

    [Fact]
    public void A_killed_single_file_write_leaves_the_old_file_whole()
    {
        using var tmp = new TempDir();
        string output = Path.Combine(tmp.Path, "show.json");
        string old = CliProcess.Run(null, "show", "examples/lab-small.yaml", "--json", "-o", output).Code == 0 ? File.ReadAllText(output) : throw new InvalidOperationException();
        var rnd = new Random(7);
        for (int i = 0; i < 20; i++)
        {
            using var p = Process.Start(CliProcess.StartInfo(null, "show", "examples/dc-5000.yaml", "--json", "-o", output))!;
            Thread.Sleep(rnd.Next(0, 400));
            try
            {
                p.Kill();
            }
            catch (InvalidOperationException)
            {
            }

            p.WaitForExit();
            string now = File.ReadAllText(output);
            Assert.True(now == old || now.Contains("\"name\": \"dc-5000\"", StringComparison.Ordinal) && now.EndsWith("}\n", StringComparison.Ordinal), $"run {i}: a truncated file");
        }
    }

    private static bool Same(SortedDictionary<string, string> a, SortedDictionary<string, string> b) =>
        a.Count == b.Count && a.All(kv => b.TryGetValue(kv.Key, out var v) && v == kv.Value);
}
