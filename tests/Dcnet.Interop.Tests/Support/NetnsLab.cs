using System.Diagnostics;
using System.Globalization;

namespace Dcnet.Interop.Tests.Support;

/// <summary>
/// A private sandbox of network namespaces joined by veth pairs, with processes run inside them. Names carry the
/// suite prefix, this process id and a per-lab number, so concurrent labs never collide and leftovers of a killed
/// run (whose pid is gone) are recognised and removed when the next lab starts. Dispose removes everything, also
/// after a failed test.
/// </summary>
public sealed class NetnsLab : IDisposable
{
    /// <summary>Every namespace the suite creates starts with this.</summary>
    public const string Prefix = "dcnt-";

    private static int counter;
    private readonly List<string> namespaces = [];
    private readonly List<Process> processes = [];
    private readonly List<string> directories = [];
    private bool disposed;

    public NetnsLab(string owner)
    {
        Peer.RequireRoot();
        Peer.RequireProgram("ip", "iproute2");
        Owner = owner;
        Id = string.Create(CultureInfo.InvariantCulture, $"{Environment.ProcessId}-{Interlocked.Increment(ref counter)}");
        RemoveLeftovers();
    }

    /// <summary>The test that created this lab, for leftover reports.</summary>
    public string Owner { get; }

    public string Id { get; }

    /// <summary>Creates a namespace with loopback up and IPv6 duplicate address detection off (see peers/README gotcha 2).</summary>
    public string AddNamespace(string name)
    {
        string ns = Prefix + Id + "-" + name;
        Shell.Run("ip", "netns", "add", ns).EnsureOk();
        namespaces.Add(ns);
        SandboxGuard.Created(ns, Owner);
        Exec(ns, "ip", "link", "set", "lo", "up").EnsureOk();
        Exec(ns, "sysctl", "-qw", "net.ipv6.conf.all.accept_dad=0", "net.ipv6.conf.default.accept_dad=0").EnsureOk();
        return ns;
    }

    /// <summary>Joins two namespaces with a veth pair; the ends get the given names and MTUs and are brought up.</summary>
    public void AddVeth(string nsA, string ifA, string nsB, string ifB, int mtuA = 1500, int mtuB = 1500)
    {
        Shell.Run("ip", "link", "add", ifA, "netns", nsA, "mtu", mtuA.ToString(CultureInfo.InvariantCulture), "type", "veth",
            "peer", "name", ifB, "netns", nsB, "mtu", mtuB.ToString(CultureInfo.InvariantCulture)).EnsureOk();
        Exec(nsA, "ip", "link", "set", ifA, "up").EnsureOk();
        Exec(nsB, "ip", "link", "set", ifB, "up").EnsureOk();
    }

    public void AddAddress(string ns, string iface, string cidr) =>
        Exec(ns, "ip", "addr", "add", cidr, "dev", iface, "nodad").EnsureOk();

    /// <summary>Runs a command inside a namespace and waits for it.</summary>
    public CommandResult Exec(string ns, string program, params string[] args) =>
        Shell.Run("ip", ["netns", "exec", ns, program, .. args]);

    public CommandResult Exec(string ns, TimeSpan timeout, string program, params string[] args) =>
        Shell.Run("ip", ["netns", "exec", ns, program, .. args], timeout);

    /// <summary>Starts a long-running process inside a namespace; it is killed at Dispose.</summary>
    public Process Start(string ns, string program, params string[] args)
    {
        var psi = new ProcessStartInfo("ip") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string a in (string[])["netns", "exec", ns, program, .. args])
        {
            psi.ArgumentList.Add(a);
        }

        var p = Process.Start(psi) ?? throw new InvalidOperationException("cannot start " + program);
        processes.Add(p);
        SandboxGuard.Created(p.Id.ToString(CultureInfo.InvariantCulture), Owner);
        return p;
    }

    /// <summary>A private temporary directory removed at Dispose.</summary>
    public string TempDirectory(string tag)
    {
        var dir = Directory.CreateTempSubdirectory(Prefix + Id + "-" + tag + "-").FullName;
        directories.Add(dir);
        SandboxGuard.Created(dir, Owner);
        return dir;
    }

    public IReadOnlyList<string> Namespaces => namespaces;

    public void Dispose()
    {
        if (disposed)
        {
            return;
        }

        disposed = true;
        foreach (var p in processes)
        {
            try
            {
                if (!p.HasExited)
                {
                    p.Kill(entireProcessTree: true);
                    p.WaitForExit(5000);
                }
            }
            catch (InvalidOperationException)
            {
            }

            p.Dispose();
        }

        foreach (string ns in namespaces)
        {
            KillNamespacePids(ns);
            Shell.Run("ip", "netns", "del", ns);
            SandboxGuard.Removed(ns);
        }

        foreach (int pid in ProcessesMentioning(Prefix + Id + "-"))
        {
            Shell.Run("kill", "-9", pid.ToString(CultureInfo.InvariantCulture));
        }

        foreach (string dir in directories)
        {
            try
            {
                Directory.Delete(dir, recursive: true);
                SandboxGuard.Removed(dir);
            }
            catch (IOException)
            {
            }
        }
    }

    /// <summary>Kills every process still inside <paramref name="ns"/> (daemons that detached).</summary>
    private static void KillNamespacePids(string ns)
    {
        var pids = Shell.Run("ip", "netns", "pids", ns).Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        foreach (string pid in pids)
        {
            Shell.Run("kill", "-9", pid.Trim());
        }
    }

    /// <summary>Removes namespaces and temporary directories of this suite whose creating process is gone.</summary>
    public static IReadOnlyList<string> RemoveLeftovers()
    {
        var removed = new List<string>();
        foreach (int pid in ProcessesMentioning(Prefix).Where(p => !OwnerAlive(PrefixOwnerOf(CommandLine(p)))))
        {
            Shell.Run("kill", "-9", pid.ToString(CultureInfo.InvariantCulture));
            removed.Add("process " + pid.ToString(CultureInfo.InvariantCulture));
        }

        foreach (string ns in ListNamespaces())
        {
            if (ns.StartsWith(Prefix, StringComparison.Ordinal) && !OwnerAlive(ns[Prefix.Length..]))
            {
                KillNamespacePids(ns);
                Shell.Run("ip", "netns", "del", ns);
                removed.Add(ns);
            }
        }

        foreach (string dir in Directory.EnumerateDirectories(Path.GetTempPath(), Prefix + "*"))
        {
            if (!OwnerAlive(Path.GetFileName(dir)[Prefix.Length..]))
            {
                try
                {
                    Directory.Delete(dir, recursive: true);
                    removed.Add(dir);
                }
                catch (IOException)
                {
                }
            }
        }

        return removed;
    }

    /// <summary>Names of all network namespaces.</summary>
    public static IReadOnlyList<string> ListNamespaces() =>
        Shell.Run("ip", "netns", "list").Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split(' ')[0]).ToList();

    /// <summary>Pids of processes whose command line mentions <paramref name="marker"/> (other than this process).</summary>
    public static IReadOnlyList<int> ProcessesMentioning(string marker)
    {
        var pids = new List<int>();
        foreach (string dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out int pid) || pid == Environment.ProcessId)
            {
                continue;
            }

            string cmd = CommandLine(pid);
            if (cmd.Contains(marker, StringComparison.Ordinal) && !cmd.StartsWith("ip netns", StringComparison.Ordinal))
            {
                pids.Add(pid);
            }
        }

        return pids;
    }

    public static string CommandLine(int pid)
    {
        try
        {
            return File.ReadAllText("/proc/" + pid.ToString(CultureInfo.InvariantCulture) + "/cmdline").Replace('\0', ' ').Trim();
        }
        catch (IOException)
        {
            return "";
        }
        catch (UnauthorizedAccessException)
        {
            return "";
        }
    }

    /// <summary>The "PID-N" part after the suite prefix in a command line, or "" when there is none.</summary>
    private static string PrefixOwnerOf(string commandLine)
    {
        int at = commandLine.IndexOf(Prefix, StringComparison.Ordinal);
        return at < 0 ? "" : commandLine[(at + Prefix.Length)..];
    }

    private static bool OwnerAlive(string rest)
    {
        int dash = rest.IndexOf('-', StringComparison.Ordinal);
        if (dash <= 0 || !int.TryParse(rest.AsSpan(0, dash), NumberStyles.None, CultureInfo.InvariantCulture, out int pid))
        {
            return false;
        }

        if (pid == Environment.ProcessId)
        {
            return true;
        }

        return Directory.Exists("/proc/" + pid.ToString(CultureInfo.InvariantCulture));
    }
}
