using System.Collections.Concurrent;
using System.Globalization;

[assembly: AssemblyFixture(typeof(Dcnet.Interop.Tests.Support.SandboxGuard))]

namespace Dcnet.Interop.Tests.Support;

/// <summary>
/// The suite's sandbox guarantee. At the start of the run it removes what killed runs left behind (namespaces,
/// processes and temporary directories with the suite prefix whose creating process is gone). At the end it fails
/// the run if anything this run created is still there, naming what was left and which test created it.
/// </summary>
public sealed class SandboxGuard : IDisposable
{
    private static readonly ConcurrentDictionary<string, string> Owners = new(StringComparer.Ordinal);

    public SandboxGuard()
    {
        if (Peer.IsRoot)
        {
            Cleared = NetnsLab.RemoveLeftovers();
        }
    }

    /// <summary>What the start of this run removed.</summary>
    public static IReadOnlyList<string> Cleared { get; private set; } = [];

    /// <summary>Records that <paramref name="owner"/> created <paramref name="thing"/> (a namespace, a pid, a directory).</summary>
    public static void Created(string thing, string owner) => Owners[thing] = owner;

    public static void Removed(string thing) => Owners.TryRemove(thing, out _);

    /// <summary>Everything of this process still present: namespaces, live processes started in them or naming our directories, and directories.</summary>
    public static IReadOnlyList<string> Leftovers(int pid)
    {
        string mine = NetnsLab.Prefix + pid.ToString(CultureInfo.InvariantCulture) + "-";
        var left = new List<string>();
        foreach (string ns in NetnsLab.ListNamespaces().Where(n => n.StartsWith(mine, StringComparison.Ordinal)))
        {
            left.Add("namespace " + ns + Owner(ns));
        }

        foreach (int p in NetnsLab.ProcessesMentioning(mine))
        {
            left.Add("process " + p.ToString(CultureInfo.InvariantCulture) + " (" + NetnsLab.CommandLine(p) + ")" + Owner(p.ToString(CultureInfo.InvariantCulture)));
        }

        foreach (string dir in Directory.EnumerateDirectories(Path.GetTempPath(), mine + "*"))
        {
            left.Add("directory " + dir + Owner(dir));
        }

        return left;
    }

    private static string Owner(string thing) =>
        Owners.TryGetValue(thing, out var o) ? " created by " + o
        : Owners.Where(kv => thing.StartsWith(kv.Key, StringComparison.Ordinal) || kv.Key.StartsWith(thing, StringComparison.Ordinal)).Select(kv => " created by " + kv.Value).FirstOrDefault() ?? "";

    public void Dispose()
    {
        if (!Peer.IsRoot)
        {
            return;
        }

        var left = Leftovers(Environment.ProcessId);
        if (left.Count > 0)
        {
            throw new InvalidOperationException("the interop run left these behind:\n  " + string.Join("\n  ", left));
        }
    }
}
