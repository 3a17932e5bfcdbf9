using System.Diagnostics;
using System.Globalization;
using Dcnet.Interop.Tests.Support;

namespace Dcnet.Interop.Tests.Sdn;

/// <summary>
/// A private OVN control plane (peers README §2): NB and SB databases created with ovsdb-tool, an ovsdb-server for
/// each and ovn-northd, all with their pidfile, log, unixctl and sockets inside one NetnsLab temporary directory (so
/// SandboxGuard sees them). No kernel data path, no ovn-controller, no chassis: ovn-trace works on the SB logical
/// flows alone. Dispose stops the daemons by their pidfiles, then removes the directory.
/// </summary>
public sealed class OvnLab : IDisposable
{
    private readonly NetnsLab lab;
    private readonly List<string> pidfiles = [];

    public OvnLab(string owner)
    {
        Peer.RequireProgram("ovsdb-tool", "openvswitch-common");
        Peer.RequireProgram("ovsdb-server", "openvswitch-common");
        Peer.RequireProgram("ovn-northd", "ovn-central");
        Peer.RequireProgram("ovn-nbctl", "ovn-central");
        Peer.RequireProgram("ovn-trace", "ovn-central");
        lab = new NetnsLab(owner);
        try
        {
            Dir = lab.TempDirectory("ovn");
            foreach (string db in new[] { "nb", "sb" })
            {
                Shell.Run("ovsdb-tool", "create", Path(db + ".db"), $"/usr/share/ovn/ovn-{db}.ovsschema").EnsureOk();
                Daemon("ovsdb-server", db, "--remote=punix:" + Path(db + ".sock"), Path(db + ".db"));
            }

            Daemon("ovn-northd", "northd", "--ovnnb-db=unix:" + Path("nb.sock"), "--ovnsb-db=unix:" + Path("sb.sock"));
            Env = new Dictionary<string, string> { ["OVN_NB_DB"] = "unix:" + Path("nb.sock"), ["OVN_SB_DB"] = "unix:" + Path("sb.sock") };

            // NB_Global must exist before --wait=sb works.
            Nbctl("init");
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>The lab directory: databases, sockets, logs, pidfiles.</summary>
    public string Dir { get; } = "";

    /// <summary>OVN_NB_DB and OVN_SB_DB for ovn-nbctl, ovn-sbctl and ovn-trace.</summary>
    public IReadOnlyDictionary<string, string> Env { get; } = new Dictionary<string, string>();

    public string Path(string file) => System.IO.Path.Combine(Dir, file);

    /// <summary>Starts a detached daemon whose command line names this lab's directory (pidfile, log, unixctl).</summary>
    public void Daemon(string program, string name, params string[] args)
    {
        string pid = Path(name + ".pid");
        Shell.Run(program, ["--detach", "--no-chdir", "--pidfile=" + pid, "--log-file=" + Path(name + ".log"), "--unixctl=" + Path(name + ".ctl"), .. args],
            env: new Dictionary<string, string>(Env)).EnsureOk();
        pidfiles.Add(pid);
        SandboxGuard.Created(File.ReadAllText(pid).Trim(), lab.Owner);
    }

    public CommandResult Nbctl(params string[] args) => Shell.Run("ovn-nbctl", args, TimeSpan.FromSeconds(120), env: new Dictionary<string, string>(Env)).EnsureOk();

    public CommandResult Sbctl(params string[] args) => Shell.Run("ovn-sbctl", args, TimeSpan.FromSeconds(60), env: new Dictionary<string, string>(Env)).EnsureOk();

    /// <summary>Runs a rendered ovn-nbctl script against the NB database and waits until northd has compiled it; returns the wall time.</summary>
    public TimeSpan Load(string script)
    {
        var sw = Stopwatch.StartNew();
        Shell.Run("sh", [script], TimeSpan.FromSeconds(300), env: new Dictionary<string, string>(Env) { ["DCNET_OVN_WAIT"] = "sb" }).EnsureOk();
        return sw.Elapsed;
    }

    /// <summary>Starts an ovn-trace daemon. OVN 23.03's unixctl trace accepts no --ct, and --ct values given at start are a
    /// budget consumed by every later ct_next (ovn-acl.md §2.5), so each daemon is started with one state repeated.</summary>
    public Unixctl TraceDaemon(string name, string ct, int budget)
    {
        Daemon("ovn-trace", name, [.. Enumerable.Repeat("--ct=" + ct, budget)]);
        string ctl = Path(name + ".ctl");
        for (int i = 0; i < 100 && !File.Exists(ctl); i++)
        {
            Thread.Sleep(50);
        }

        return new Unixctl(ctl);
    }

    /// <summary>A one-shot ovn-trace (loads the SB database each time).</summary>
    public CommandResult Trace(params string[] args) => Shell.Run("ovn-trace", args, TimeSpan.FromSeconds(60), env: new Dictionary<string, string>(Env));

    public void Dispose()
    {
        var pids = new List<int>();
        foreach (string f in pidfiles.AsEnumerable().Reverse())
        {
            if (File.Exists(f) && int.TryParse(File.ReadAllText(f).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out int pid))
            {
                Shell.Run("kill", pid.ToString(CultureInfo.InvariantCulture));
                pids.Add(pid);
            }
        }

        for (int i = 0; i < 50 && pids.Any(p => Directory.Exists("/proc/" + p.ToString(CultureInfo.InvariantCulture))); i++)
        {
            Thread.Sleep(100);
        }

        foreach (int p in pids)
        {
            if (Directory.Exists("/proc/" + p.ToString(CultureInfo.InvariantCulture)))
            {
                Shell.Run("kill", "-9", p.ToString(CultureInfo.InvariantCulture));
            }

            SandboxGuard.Removed(p.ToString(CultureInfo.InvariantCulture));
        }

        lab.Dispose();
    }
}
