using System.Net;
using Dcnet.Design;
using Dcnet.Topology;

namespace Dcnet.Bgp;

/// <summary>One path in a router's BGP table, as FRR would list it.</summary>
public sealed class RibPath
{
    internal RibPath(BgpNeighbor? from, PeerView peer, IReadOnlyList<uint> asPath, string asPathText, bool hasMed, bool best, bool multipath)
    {
        From = from;
        Peer = peer;
        AsPath = asPath;
        AsPathText = asPathText;
        HasMed = hasMed;
        Best = best;
        Multipath = multipath;
    }

    /// <summary>The receiving router's neighbour statement the path came in on; null for the router's own network.</summary>
    public BgpNeighbor? From { get; }

    /// <summary>The router's own <c>network</c> route (weight 32768, next hop 0.0.0.0 or ::).</summary>
    public bool IsLocal => From is null;

    /// <summary>Peer id, hostname and next hops as the receiving router shows them.</summary>
    public PeerView Peer { get; }

    public IReadOnlyList<uint> AsPath { get; }

    /// <summary>The AS path as FRR prints it ("" for a local route).</summary>
    public string AsPathText { get; }

    /// <summary>A MED (0) is present: on our own routes and on routes from the neighbour that originated them.</summary>
    public bool HasMed { get; }

    public bool Best { get; }

    /// <summary>A non-best member of the ECMP set (FRR's "multipath": true).</summary>
    public bool Multipath { get; }

    /// <summary>Best or multipath: the path forwards traffic.</summary>
    public bool Forwards => Best || Multipath;

    public int Weight => IsLocal ? 32768 : 0;
}

/// <summary>A prefix in a router's table: its paths in FRR's list order (newest first) and the selection.</summary>
public sealed class RibEntry
{
    internal RibEntry(IPNetwork prefix, IReadOnlyList<RibPath> paths, SelectionReason reason, int changedAt, int forwardingChangedAt)
    {
        Prefix = prefix;
        Paths = paths;
        Reason = reason;
        ChangedAtMs = changedAt;
        ForwardingChangedAtMs = forwardingChangedAt;
    }

    public IPNetwork Prefix { get; }

    public IReadOnlyList<RibPath> Paths { get; }

    public RibPath? Best
    {
        get
        {
            for (int i = 0; i < Paths.Count; i++)
            {
                if (Paths[i].Best)
                {
                    return Paths[i];
                }
            }

            return null;
        }
    }

    /// <summary>The best path, then the multipaths by peer name (reports ask for it per prefix: a loop, not LINQ).</summary>
    public IReadOnlyList<RibPath> Ecmp
    {
        get
        {
            var best = Best;
            int n = best is null ? 0 : 1;
            for (int i = 0; i < Paths.Count; i++)
            {
                n += Paths[i].Multipath ? 1 : 0;
            }

            if (n == 0)
            {
                return [];
            }

            var set = new RibPath[n];
            int k = 0;
            if (best is not null)
            {
                set[k++] = best;
            }

            int from = k;
            for (int i = 0; i < Paths.Count; i++)
            {
                if (Paths[i].Multipath)
                {
                    // Insertion sort by (hostname, peer id): the multipaths are few.
                    var p = Paths[i];
                    int j = k++;
                    while (j > from && ByPeer(set[j - 1], p) > 0)
                    {
                        set[j] = set[j - 1];
                        j--;
                    }

                    set[j] = p;
                }
            }

            return set;
        }
    }

    private static int ByPeer(RibPath a, RibPath b)
    {
        int c = string.CompareOrdinal(a.Peer.Hostname, b.Peer.Hostname);
        return c != 0 ? c : string.CompareOrdinal(a.Peer.PeerId, b.Peer.PeerId);
    }

    /// <summary>FRR's selectionReason: the reason of the last comparison it ran.</summary>
    public SelectionReason Reason { get; }

    /// <summary>In a what-if, when (ms after the failure) this entry last changed; -1 when it did not.</summary>
    public int ChangedAtMs { get; }

    /// <summary>In a what-if, when its best path or ECMP set last changed; -1 when they did not.</summary>
    public int ForwardingChangedAtMs { get; }

    internal RibEntry WithPrefix(IPNetwork prefix) => prefix.Equals(Prefix) ? this : new RibEntry(prefix, Paths, Reason, ChangedAtMs, ForwardingChangedAtMs);
}

/// <summary>A router's BGP table for one family, in FRR's table order (address, then prefix length).</summary>
public sealed record Rib(BgpRouter Router, IpFamily Family, IReadOnlyList<RibEntry> Entries)
{
    /// <summary>The entry for exactly <paramref name="prefix"/>, or null.</summary>
    public RibEntry? Find(IPNetwork prefix)
    {
        int lo = 0, hi = Entries.Count - 1;
        while (lo <= hi)
        {
            int mid = (lo + hi) >>> 1;
            int c = IpMath.Compare(Entries[mid].Prefix, prefix);
            if (c == 0)
            {
                return Entries[mid];
            }

            (lo, hi) = c < 0 ? (mid + 1, hi) : (lo, mid - 1);
        }

        return null;
    }
}

/// <summary>The result of a simulation: every router's table, before or after a failure.</summary>
public sealed class BgpOutcome
{
    internal BgpOutcome(BgpSimulation simulation, BgpScenario? scenario, ClassState[][] states, AsPathTable paths)
    {
        Simulation = simulation;
        Scenario = scenario;
        States = states;
        Paths = paths;
    }

    public BgpSimulation Simulation { get; }

    public BgpModel Model => Simulation.Model;

    /// <summary>The failures, for a what-if; null for the steady state.</summary>
    public BgpScenario? Scenario { get; }

    internal ClassState[][] States { get; }

    internal AsPathTable Paths { get; }

    /// <summary>For a what-if, the steady state it started from.</summary>
    public BgpOutcome? Baseline { get; internal init; }

    /// <summary>Routers that are up (a failed router has no table).</summary>
    public IEnumerable<BgpRouter> LiveRouters => Model.Routers.Where(r => Scenario is null || !Scenario.FailedRouters.Contains(r));

    public IReadOnlyList<IpFamily> Families => Simulation.Families;

    /// <summary>The table of <paramref name="router"/> for <paramref name="family"/>.</summary>
    public Rib Rib(BgpRouter router, IpFamily family)
    {
        var entries = new List<RibEntry>();
        if (States[(int)family] is not null && (Scenario is null || !Scenario.FailedRouters.Contains(router)))
        {
            foreach (var (state, run) in RunsOf(router.Index, family))
            {
                if (run.Count == 0)
                {
                    continue;
                }

                var (list, changed, forwarding) = Paths_(router, family, state, run);
                foreach (var prefix in state.Class.Prefixes)
                {
                    entries.Add(new RibEntry(prefix, list, run.Reason, changed, forwarding));
                }
            }
        }

        entries.Sort((a, b) => IpMath.Compare(a.Prefix, b.Prefix));
        return new Rib(router, family, entries);
    }

    private readonly List<(ClassState, RouterRun)>[]?[] runsByRouter = new List<(ClassState, RouterRun)>[]?[2];

    /// <summary>The classes a router has a table for, built once per family (a speaker has a few of thousands).</summary>
    private List<(ClassState State, RouterRun Run)> RunsOf(int router, IpFamily family)
    {
        var index = runsByRouter[(int)family];
        if (index is null)
        {
            index = new List<(ClassState, RouterRun)>[Model.Routers.Count];
            foreach (var state in States[(int)family])
            {
                foreach (var run in state.Runs)
                {
                    (index[run.Router] ??= []).Add((state, run));
                }
            }

            runsByRouter[(int)family] = index;
        }

        return index[router] ?? [];
    }

    /// <summary>The entry of one prefix of a class at one router, or null when the router has no path.</summary>
    internal RibEntry? Entry(BgpRouter router, IpFamily family, ClassState state, IPNetwork prefix)
    {
        if (state.Find(router.Index) is not { Count: > 0 } run || (Scenario is not null && Scenario.FailedRouters.Contains(router)))
        {
            return null;
        }

        var (list, changed, forwarding) = Paths_(router, family, state, run);
        return new RibEntry(prefix, list, run.Reason, changed, forwarding);
    }

    private (RibPath[] Paths, int Changed, int Forwarding) Paths_(BgpRouter router, IpFamily family, ClassState state, RouterRun run)
    {
        var topo = Simulation.Topologies[(int)family]!;

        // A table the what-if never touched is the baseline's own object; its change times belong to the baseline.
        bool untouched = Baseline is not null && ReferenceEquals(run, Baseline.States[(int)family][state.Class.Index].Find(router.Index));
        var list = new RibPath[run.Count];
        for (int i = 0; i < run.Count; i++)
        {
            var p = run.Paths[i];
            if (p.Adj < 0)
            {
                list[i] = new RibPath(null, PeerView.Local(router, family), [], "", true, p.Selected, p.Multipath);
            }
            else
            {
                var a = topo.Adjacencies[p.Adj];
                list[i] = new RibPath(a.ReceiverEnd, a.View, Paths.List(p.AsPath), Paths.Text(p.AsPath), p.Med, p.Selected, p.Multipath);
            }
        }

        return (list, untouched ? -1 : run.ChangedAt, untouched ? -1 : run.ForwardingChangedAt);
    }
}
