using System.Globalization;

namespace Dcnet.Interop.Tests.Support;

/// <summary>
/// ../shared/peers/kernel-lab/run.sh: boots Debian's stock 6.1 kernel under qemu and reports what the real bonding,
/// 8021q, vxlan and geneve drivers do. Its stdout is CSV; everything else goes to stderr.
/// </summary>
public static class KernelLab
{
    public static string Script => Repo.Shared("peers", "kernel-lab", "run.sh");

    public static void Require()
    {
        Peer.RequireRoot();
        if (!File.Exists(Script))
        {
            Peer.Unavailable("kernel-lab is missing at " + Script);
        }
    }

    /// <summary>Runs the lab and returns its CSV rows (header removed), failing with its stderr on a non-zero exit.</summary>
    public static IReadOnlyList<string[]> Run(params string[] args)
    {
        var result = Shell.Run("bash", [Script, .. args], TimeSpan.FromMinutes(6));
        if (!result.Ok)
        {
            throw new InvalidOperationException($"kernel-lab {string.Join(' ', args)} exited {result.ExitCode.ToString(CultureInfo.InvariantCulture)}:\n{result.Stderr}");
        }

        return result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(l => l.Split(',')).ToList();
    }
}
