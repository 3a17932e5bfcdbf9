using System.Globalization;

namespace Dcnet.Interop.Tests.Support;

/// <summary>
/// The kernel lab (<c>../shared/peers/kernel-lab/run.sh</c> beside the repository): boots Debian 12's stock 6.1 kernel
/// under qemu and reports what the real bonding driver did. It installs qemu and fills its cache itself (root only).
/// </summary>
public static class KernelLab
{
    /// <summary>run.sh, found from the repository root (the directory holding dcnet.slnx).</summary>
    public static string RunScript
    {
        get
        {
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "dcnet.slnx")))
            {
                dir = dir.Parent;
            }

            string root = dir?.FullName ?? Directory.GetCurrentDirectory();
            return Path.GetFullPath(Path.Combine(root, "..", "shared", "peers", "kernel-lab", "run.sh"));
        }
    }

    /// <summary>Skips (or fails under CI=true) when the lab cannot run here.</summary>
    public static void Require()
    {
        if (!File.Exists(RunScript))
        {
            Peer.Unavailable("kernel-lab not found at " + RunScript);
        }

        Peer.RequireRoot();
    }

    /// <summary>One observation: which member the real driver sent a flow on.</summary>
    public sealed record Observation(string Policy, string Mode, int Members, int Flow, int Member);

    /// <summary>
    /// Runs <c>bond-matrix</c> over a flow CSV and returns every observation. Fails with the lab's stderr when it
    /// does not exit 0.
    /// </summary>
    public static IReadOnlyList<Observation> BondMatrix(string csvPath, string policies, string modes, string members, string vlanMode = "vlandev")
    {
        var result = Shell.Run(RunScript,
            ["bond-matrix", "--policies", policies, "--modes", modes, "--members", members, "--vlan-mode", vlanMode, csvPath],
            TimeSpan.FromMinutes(15),
            env: new Dictionary<string, string> { ["KLAB_TIMEOUT"] = "600" });
        if (!result.Ok)
        {
            Assert.Fail($"kernel-lab exited {result.ExitCode}:\n{Tail(result.Stderr, 60)}");
        }

        var list = new List<Observation>();
        foreach (string line in result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1))
        {
            string[] p = line.Split(',');
            list.Add(new Observation(p[0], p[1], Int(p[2]), Int(p[3]), Int(p[4])));
        }

        return list;
    }

    /// <summary>Runs any verb (encap, bond-hash) and returns its CSV rows (header removed), failing with its stderr on a non-zero exit.</summary>
    public static IReadOnlyList<string[]> Run(params string[] args)
    {
        var result = Shell.Run("bash", [RunScript, .. args], TimeSpan.FromMinutes(6));
        if (!result.Ok)
        {
            Assert.Fail($"kernel-lab {string.Join(' ', args)} exited {result.ExitCode.ToString(CultureInfo.InvariantCulture)}:\n{Tail(result.Stderr, 60)}");
        }

        return result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(l => l.Split(',')).ToList();
    }

    private static int Int(string s) => int.Parse(s, NumberStyles.None, CultureInfo.InvariantCulture);

    private static string Tail(string text, int lines) => string.Join('\n', text.Split('\n').TakeLast(lines));
}
