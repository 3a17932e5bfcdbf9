using System.Net;
using System.Runtime.InteropServices;
using Dcnet.Design;
using Dcnet.Topology;

namespace Dcnet.Bgp;

/// <summary>A path in a router's table: which adjacency it came over (-1: our own network statement), its interned AS path and MED.</summary>
internal struct PathEntry
{
    public int Adj;
    public int AsPath;
    public bool Med;
    public bool Selected;
    public bool Multipath;
}

/// <summary>One router's table for one prefix class: its paths in FRR list order (newest first) and the selection.</summary>
internal sealed class RouterRun
{
    public RouterRun(int router) => Router = router;

    public int Router { get; }

    public PathEntry[] Paths = new PathEntry[4];
    public int Count;
    public int Best = -1;
    public SelectionReason Reason;

    /// <summary>What the router announces: best AS path * 2 + 1 when it is our own route (MED kept), or -1.</summary>
    public int Advert = -1;

    /// <summary>Simulated time (ms) of the last change of any path or flag, and of the best path or ECMP set; -1: never.</summary>
    public int ChangedAt = -1;
    public int ForwardingChangedAt = -1;

    /// <summary>The forwarding state after the last selection: (adjacency, AS path) of the best, then of each multipath by adjacency.</summary>
    public int[] Forwarding = [];

    public RouterRun Clone()
    {
        var c = new RouterRun(Router) { Paths = (PathEntry[])Paths.Clone(), Count = Count, Best = Best, Reason = Reason, Advert = Advert, Forwarding = Forwarding };
        return c;
    }

    public int IndexOf(int adj)
    {
        for (int i = 0; i < Count; i++)
        {
            if (Paths[i].Adj == adj)
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>BGP inserts a new path at the head of the list (bgp_path_info_add).</summary>
    public void InsertHead(PathEntry p)
    {
        if (Count == Paths.Length)
        {
            Array.Resize(ref Paths, Count * 2);
        }

        Array.Copy(Paths, 0, Paths, 1, Count);
        Paths[0] = p;
        Count++;
    }

    public void RemoveAt(int i)
    {
        Array.Copy(Paths, i + 1, Paths, i, Count - i - 1);
        Count--;
    }
}

/// <summary>Prefixes of one family that are originated by the same routers and pass the same shared filters: they propagate identically.</summary>
internal sealed class PrefixClass
{
    public required int Index { get; init; }

    public required IpFamily Family { get; init; }

    /// <summary>Originating routers, sorted.</summary>
    public required int[] Originators { get; init; }

    public required ulong Membership { get; init; }

    public List<IPNetwork> Prefixes { get; } = [];

    /// <summary>Each prefix's position in its family's table order (address, then length).</summary>
    public List<int> Ordinals { get; } = [];

    public bool IsOriginator(int router) => Array.BinarySearch(Originators, router) >= 0;
}

/// <summary>The converged tables of every router for one prefix class.</summary>
internal sealed class ClassState(PrefixClass cls, RouterRun[] runs)
{
    public PrefixClass Class { get; } = cls;

    /// <summary>Sorted by router index.</summary>
    public RouterRun[] Runs { get; } = runs;

    public RouterRun? Find(int router)
    {
        int lo = 0, hi = Runs.Length - 1;
        while (lo <= hi)
        {
            int mid = (lo + hi) >>> 1;
            int r = Runs[mid].Router;
            if (r == router)
            {
                return Runs[mid];
            }

            if (r < router)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid - 1;
            }
        }

        return null;
    }
}

/// <summary>
/// The BGP simulation: announcements run to a fixed point with FRR 8.4.4's decision process on every router. Prefixes
/// are grouped into classes that propagate identically (same originators, same verdict of every shared filter), and
/// each class is simulated once: in a Clos most prefixes of a leaf travel together.
/// </summary>
/// <remarks>
/// The timing model, which decides FRR's history-dependent outputs (path order, "Older Path", the selection reason):
/// every session is Established at t = 0 and every router announces its own networks then. A router runs best-path
/// once per batch: all updates that reach it at the same time are applied together (FRR holds its work queue for
/// <see cref="ProcessingMs"/> ms), in the order of its neighbour statements, each new path inserted at the head of
/// the list. Its new best path reaches every neighbour <see cref="ProcessingMs"/> ms later (MRAI is 0 in FRR), so
/// updates move in lock-step waves. After a failure, the routers that detect it clear the failed peer's paths after
/// detection + <see cref="ClearMs"/> ms (the clear queue) and run best-path <see cref="ProcessingMs"/> ms later.
/// </remarks>
public sealed class BgpSimulation
{
    /// <summary>bgpd holds its best-path work queue this long (bgp_route.c, process_queue spec.hold = 50).</summary>
    public const int ProcessingMs = 50;

    /// <summary>bgpd holds the queue that clears a dead peer's routes this long (clear_node_queue spec.hold = 10).</summary>
    public const int ClearMs = 10;

    /// <summary>The minimum route advertisement interval: 0 in FRR 8.4 for eBGP and iBGP, in both profiles.</summary>
    public const int MraiMs = 0;

    private BgpSimulation(BgpModel model) => Model = model;

    public BgpModel Model { get; }

    internal FamilyTopology?[] Topologies { get; } = new FamilyTopology?[2];

    internal List<PrefixClass>[] Classes { get; } = [[], []];

    internal AsPathTable Paths { get; } = new();

    internal DecisionConfig[] Configs { get; private set; } = [];

    /// <summary>Families that have at least one originated prefix.</summary>
    public IReadOnlyList<IpFamily> Families => [.. new[] { IpFamily.Ipv4, IpFamily.Ipv6 }.Where(f => Classes[(int)f].Count > 0)];

    public int ClassCount(IpFamily f) => Classes[(int)f].Count;

    private readonly (PrefixClass, int)[]?[] tableOrder = new (PrefixClass, int)[]?[2];

    /// <summary>Every prefix of a family as (class, index in the class), in table order.</summary>
    internal (PrefixClass Class, int Index)[] TableOrder(IpFamily f)
    {
        if (tableOrder[(int)f] is { } cached)
        {
            return cached;
        }

        var order = new (PrefixClass, int)[Classes[(int)f].Sum(c => c.Prefixes.Count)];
        foreach (var c in Classes[(int)f])
        {
            for (int i = 0; i < c.Prefixes.Count; i++)
            {
                order[c.Ordinals[i]] = (c, i);
            }
        }

        tableOrder[(int)f] = order;
        return order;
    }

    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<BgpModel, BgpOutcome> Steady = [];

    /// <summary>The steady state of <paramref name="model"/>, simulated once per model (checks share it).</summary>
    public static BgpOutcome SteadyState(BgpModel model) => Steady.GetValue(model, m => Prepare(m).Converge());

    public static BgpSimulation Prepare(BgpModel model)
    {
        var sim = new BgpSimulation(model)
        {
            Configs = model.Routers.Select(r => new DecisionConfig(r.DeterministicMed, r.MultipathRelax, r.CompareRouterId, r.MaximumPaths)).ToArray(),
        };
        foreach (var family in new[] { IpFamily.Ipv4, IpFamily.Ipv6 })
        {
            var originators = new Dictionary<IPNetwork, List<int>>();
            foreach (var r in model.Routers)
            {
                foreach (var p in r.Networks(family))
                {
                    if (!originators.TryGetValue(p, out var list))
                    {
                        originators[p] = list = [];
                    }

                    list.Add(r.Index);
                }
            }

            if (originators.Count == 0)
            {
                continue;
            }

            sim.Topologies[(int)family] = FamilyTopology.Build(model, family);
            var byKey = new Dictionary<string, PrefixClass>(StringComparer.Ordinal);
            int ordinal = 0;
            foreach (var (prefix, list) in originators.OrderBy(kv => kv.Key, Comparer<IPNetwork>.Create(IpMath.Compare)))
            {
                ulong membership = model.MembershipOf(prefix);
                string key = membership.ToString(System.Globalization.CultureInfo.InvariantCulture) + ":" + string.Join(',', list);
                if (!byKey.TryGetValue(key, out var cls))
                {
                    cls = new PrefixClass { Index = sim.Classes[(int)family].Count, Family = family, Originators = [.. list], Membership = membership };
                    byKey[key] = cls;
                    sim.Classes[(int)family].Add(cls);
                }

                cls.Prefixes.Add(prefix);
                cls.Ordinals.Add(ordinal++);
            }
        }

        return sim;
    }

    /// <summary>Runs every announcement to a fixed point from scratch: the fabric's steady state.</summary>
    public BgpOutcome Converge() => Converge(null);

    /// <summary>
    /// The steady state of the fabric with <paramref name="scenario"/>'s failures in place from the start (the sessions
    /// never come up): what the fabric settles to if it boots like that, as opposed to <see cref="WhatIf(BgpOutcome, BgpScenario)"/>, which fails
    /// a running fabric.
    /// </summary>
    public BgpOutcome Converge(BgpScenario? scenario)
    {
        var engine = new ClassEngine(this, Paths, scenario);
        var states = new ClassState[2][];
        foreach (var f in Families)
        {
            states[(int)f] = Classes[(int)f].Select(c => engine.Run(c, null)).ToArray();
        }

        return new BgpOutcome(this, scenario, states, Paths);
    }

    /// <summary>
    /// Starts from <paramref name="baseline"/>, takes the failed sessions down, lets each surviving end notice at its
    /// detection time and runs the consequences to a new fixed point: what a live fabric would do.
    /// </summary>
    public BgpOutcome WhatIf(BgpOutcome baseline, BgpScenario scenario) => WhatIf(baseline, scenario, Paths);

    internal BgpOutcome WhatIf(BgpOutcome baseline, BgpScenario scenario, AsPathTable paths)
    {
        var engine = new ClassEngine(this, paths, scenario);
        var states = new ClassState[2][];
        foreach (var f in Families)
        {
            var before = baseline.States[(int)f];
            states[(int)f] = before.Select(s => engine.Run(s.Class, s)).ToArray();
        }

        return new BgpOutcome(this, scenario, states, paths) { Baseline = baseline };
    }

    /// <summary>The simulation of one prefix class at a time, with arrays reused across classes (one engine per thread).</summary>
    private sealed class ClassEngine
    {
        private readonly BgpSimulation sim;
        private readonly AsPathTable paths;
        private readonly BgpScenario? scenario;
        private readonly RouterRun?[] runs;
        private readonly int[] runGen;
        private readonly List<int> touched = [];
        private readonly bool[] routerFailed;
        private readonly bool[][] adjDown = new bool[2][];
        private readonly int[][] sent = new int[2][];
        private readonly int[][] sentGen = new int[2][];
        private readonly SortedDictionary<int, List<Msg>> queue = [];
        private readonly Stack<List<Msg>> pool = new();
        private readonly List<(int Adj, int At)>[] drops = [[], []];
        private int gen;
        private int seq;
        private PrefixClass cls = null!;
        private ClassState? baseline;
        private FamilyTopology topo = null!;

        private const int Withdraw = -1;
        private const int Drop = -2;

        public ClassEngine(BgpSimulation sim, AsPathTable paths, BgpScenario? scenario)
        {
            this.sim = sim;
            this.paths = paths;
            this.scenario = scenario;
            int n = sim.Model.Routers.Count;
            runs = new RouterRun?[n];
            runGen = new int[n];
            routerFailed = new bool[n];
            foreach (var r in scenario?.FailedRouters ?? new HashSet<BgpRouter>())
            {
                routerFailed[r.Index] = true;
            }

            for (int f = 0; f < 2; f++)
            {
                if (sim.Topologies[f] is not { } t)
                {
                    continue;
                }

                sent[f] = new int[t.Adjacencies.Length];
                sentGen[f] = new int[t.Adjacencies.Length];
                adjDown[f] = new bool[t.Adjacencies.Length];
                foreach (var a in t.Adjacencies)
                {
                    adjDown[f][a.Index] = scenario is not null && (scenario.FailedSessions.Contains(a.Session.Index) || routerFailed[a.Sender] || routerFailed[a.Receiver]);
                }

                // Each surviving end clears the dead peer's paths after its detection time, then runs best-path.
                foreach (var d in scenario?.Detections ?? [])
                {
                    if (d.Milliseconds is int ms)
                    {
                        foreach (var a in t.Adjacencies.Where(a => ReferenceEquals(a.Session, d.Session) && ReferenceEquals(a.ReceiverEnd, d.End)))
                        {
                            drops[f].Add((a.Index, ms + ClearMs + ProcessingMs));
                        }
                    }
                }
            }
        }

        private readonly record struct Msg(int Receiver, int Order, int Adj, int Value, int Seq);

        private static readonly Comparison<Msg> MsgOrder = (a, b) =>
            a.Receiver != b.Receiver ? a.Receiver.CompareTo(b.Receiver)
            : a.Order != b.Order ? a.Order.CompareTo(b.Order)
            : a.Seq.CompareTo(b.Seq);

        public ClassState Run(PrefixClass c, ClassState? before)
        {
            cls = c;
            baseline = before;
            topo = sim.Topologies[(int)c.Family]!;
            gen++;
            touched.Clear();
            if (before is null)
            {
                foreach (int o in c.Originators)
                {
                    if (routerFailed[o])
                    {
                        continue;
                    }

                    var rr = Get(o);
                    rr.InsertHead(new PathEntry { Adj = -1, AsPath = AsPathTable.Empty, Med = true });
                    Select(rr, 0);
                    Advertise(rr, 0);
                }
            }
            else
            {
                foreach (var (adj, at) in drops[(int)c.Family])
                {
                    int receiver = topo.Adjacencies[adj].Receiver;
                    if (before.Find(receiver) is { } r && r.IndexOf(adj) >= 0)
                    {
                        Enqueue(at, new Msg(receiver, -1, adj, Drop, seq++));
                    }
                }
            }

            while (queue.Count > 0)
            {
                var (t, list) = queue.First();
                queue.Remove(t);
                list.Sort(MsgOrder);
                int i = 0;
                while (i < list.Count)
                {
                    int receiver = list[i].Receiver;
                    bool changed = false;
                    RouterRun? rr = null;
                    for (; i < list.Count && list[i].Receiver == receiver; i++)
                    {
                        changed |= Apply(ref rr, list[i]);
                    }

                    if (changed)
                    {
                        Select(rr!, t);
                        Advertise(rr!, t);
                    }
                }

                list.Clear();
                pool.Push(list);
            }

            return Collect();
        }

        private ClassState Collect()
        {
            if (baseline is null)
            {
                var result = new RouterRun[touched.Count];
                for (int i = 0; i < touched.Count; i++)
                {
                    result[i] = runs[touched[i]]!;
                }

                Array.Sort(result, (a, b) => a.Router.CompareTo(b.Router));
                return new ClassState(cls, result);
            }

            if (touched.Count == 0)
            {
                return baseline;
            }

            var merged = new List<RouterRun>(baseline.Runs.Length + touched.Count);
            foreach (var r in baseline.Runs)
            {
                merged.Add(runGen[r.Router] == gen ? runs[r.Router]! : r);
            }

            foreach (int t in touched)
            {
                if (baseline.Find(t) is null)
                {
                    merged.Add(runs[t]!);
                }
            }

            merged.Sort((a, b) => a.Router.CompareTo(b.Router));
            return new ClassState(cls, [.. merged]);
        }

        private RouterRun Get(int router)
        {
            if (runGen[router] == gen)
            {
                return runs[router]!;
            }

            var rr = baseline?.Find(router) is { } b ? b.Clone() : new RouterRun(router);
            rr.ChangedAt = -1;
            rr.ForwardingChangedAt = -1;
            runs[router] = rr;
            runGen[router] = gen;
            touched.Add(router);
            return rr;
        }

        private RouterRun? Peek(int router) => runGen[router] == gen ? runs[router] : baseline?.Find(router);

        private void Enqueue(int at, Msg m)
        {
            if (!queue.TryGetValue(at, out var list))
            {
                list = pool.Count > 0 ? pool.Pop() : [];
                queue[at] = list;
            }

            list.Add(m);
        }

        /// <summary>Applies one update (or withdrawal, or the clearing of a dead peer) to the receiver's table.</summary>
        private bool Apply(ref RouterRun? rr, Msg m)
        {
            var a = topo.Adjacencies[m.Adj];
            if (m.Value < 0)
            {
                var existing = rr ?? Peek(m.Receiver);
                if (existing is null || existing.IndexOf(m.Adj) < 0)
                {
                    return false;
                }

                rr ??= Get(m.Receiver);
                rr.RemoveAt(rr.IndexOf(m.Adj));
                return true;
            }

            int path = m.Value >> 1;
            bool med = (m.Value & 1) == 1;

            // Loop prevention (aspath_loop_check against allowas-in), then the import policy: a rejected update withdraws
            // whatever the peer sent before.
            if (paths.Occurrences(path, a.ReceiverAsn) > a.ReceiverEnd.AllowAsIn || !a.Import.Permits(cls.Membership, cls.IsOriginator(m.Receiver)))
            {
                return Apply(ref rr, m with { Value = Withdraw });
            }

            rr ??= Get(m.Receiver);
            int i = rr.IndexOf(m.Adj);
            if (i >= 0)
            {
                if (rr.Paths[i].AsPath == path && rr.Paths[i].Med == med)
                {
                    return false;
                }

                // An implicit withdraw updates the path in place: it keeps its position and its SELECTED flag.
                rr.Paths[i].AsPath = path;
                rr.Paths[i].Med = med;
                return true;
            }

            rr.InsertHead(new PathEntry { Adj = m.Adj, AsPath = path, Med = med });
            return true;
        }

        private void Select(RouterRun rr, int t)
        {
            int n = rr.Count;
            Span<Candidate> c = n <= 32 ? stackalloc Candidate[n] : new Candidate[n];
            bool v4 = cls.Family == IpFamily.Ipv4;
            for (int i = 0; i < n; i++)
            {
                ref var p = ref rr.Paths[i];
                if (p.Adj < 0)
                {
                    c[i] = new Candidate { Local = true, HasMed = true, NextHop = NextHopKey.Local(v4), Selected = p.Selected };
                    continue;
                }

                var a = topo.Adjacencies[p.Adj];
                c[i] = new Candidate
                {
                    AsPathLength = paths.Length(p.AsPath),
                    FirstAs = paths.First(p.AsPath),
                    HasMed = p.Med,
                    PeerAs = a.SenderAsn,
                    PeerRouterId = a.SenderRouterId,
                    Su = a.Su,
                    NextHop = a.NextHop,
                    Selected = p.Selected,
                };
            }

            var (best, reason) = FrrDecision.Select(c, sim.Configs[rr.Router]);
            for (int i = 0; i < n; i++)
            {
                rr.Paths[i].Selected = c[i].Selected;
                rr.Paths[i].Multipath = c[i].Multipath;
            }

            rr.Best = best;
            rr.Reason = reason;
            rr.ChangedAt = t;

            // The forwarding state: the best path, then the multipaths by adjacency, each as (adjacency, AS path).
            Span<int> fwd = 2 * n <= 64 ? stackalloc int[2 * n] : new int[2 * n];
            int k = 0;
            if (best >= 0)
            {
                fwd[k++] = rr.Paths[best].Adj;
                fwd[k++] = rr.Paths[best].AsPath;
            }

            int mpStart = k;
            for (int i = 0; i < n; i++)
            {
                if (rr.Paths[i].Multipath)
                {
                    int at = k;
                    while (at > mpStart && fwd[at - 2] > rr.Paths[i].Adj)
                    {
                        fwd[at] = fwd[at - 2];
                        fwd[at + 1] = fwd[at - 1];
                        at -= 2;
                    }

                    fwd[at] = rr.Paths[i].Adj;
                    fwd[at + 1] = rr.Paths[i].AsPath;
                    k += 2;
                }
            }

            if (!fwd[..k].SequenceEqual(rr.Forwarding))
            {
                rr.Forwarding = fwd[..k].ToArray();
                rr.ForwardingChangedAt = t;
            }
        }

        /// <summary>Sends the router's new best path (or its withdrawal) to every neighbour whose export policy lets it pass.</summary>
        private void Advertise(RouterRun rr, int t)
        {
            int advert = rr.Best >= 0 ? (rr.Paths[rr.Best].AsPath * 2) + (rr.Paths[rr.Best].Adj < 0 ? 1 : 0) : -1;
            if (advert == rr.Advert)
            {
                return;
            }

            rr.Advert = advert;
            int f = (int)cls.Family;
            bool own = cls.IsOriginator(rr.Router);
            uint asn = sim.Model.Routers[rr.Router].Asn.Value;
            foreach (int ai in topo.Outgoing[rr.Router])
            {
                if (adjDown[f][ai])
                {
                    continue;
                }

                var a = topo.Adjacencies[ai];
                int value = advert >= 0 && a.Export.Permits(cls.Membership, own) ? (paths.Prepend(advert >> 1, asn) * 2) + (advert & 1) : Withdraw;
                int last = LastSent(f, a);
                if (value == last)
                {
                    continue;
                }

                sent[f][ai] = value;
                sentGen[f][ai] = gen;
                Enqueue(t + ProcessingMs, new Msg(a.Receiver, a.ReceiverOrder, ai, value, seq++));
            }
        }

        /// <summary>What was last sent on an adjacency: written in this run, or else what the baseline sender announced.</summary>
        private int LastSent(int f, Adjacency a)
        {
            if (sentGen[f][a.Index] == gen)
            {
                return sent[f][a.Index];
            }

            if (baseline?.Find(a.Sender) is not { Advert: >= 0 } b)
            {
                return Withdraw;
            }

            return a.Export.Permits(cls.Membership, cls.IsOriginator(a.Sender))
                ? (paths.Prepend(b.Advert >> 1, a.SenderAsn) * 2) + (b.Advert & 1)
                : Withdraw;
        }
    }
}
