using System.Globalization;
using System.Net;
using Dcnet.Design;
using Dcnet.Topology;

namespace Dcnet.Bgp;

/// <summary>How a router's route to a prefix changed in a what-if.</summary>
public enum RouteChangeKind
{
    /// <summary>The router has no route any more.</summary>
    [Token("lost")]
    Lost,

    /// <summary>Fewer ECMP next hops, all of them among the old ones.</summary>
    [Token("ecmp-reduced")]
    EcmpReduced,

    /// <summary>The best path or the ECMP set changed to something new.</summary>
    [Token("moved")]
    Moved,

    /// <summary>The router has a route it did not have before.</summary>
    [Token("gained")]
    Gained,

    /// <summary>Same next hops, but a different AS path (what the router announces onward changes).</summary>
    [Token("as-path")]
    AsPathChanged,
}

/// <summary>One term of a convergence estimate, with the reason it has that value.</summary>
public sealed record ConvergenceTerm(string Name, int Milliseconds, string Detail);

/// <summary>A changed route: which router, which prefix, how, and when (ms after the failure) its forwarding settled.</summary>
public sealed class RouteChange
{
    private readonly ChangedTable table;

    internal RouteChange(ChangedTable table, IPNetwork prefix, int ordinal)
    {
        this.table = table;
        Prefix = prefix;
        Ordinal = ordinal;
    }

    public BgpRouter Router => table.Router;

    public IpFamily Family => table.Family;

    public IPNetwork Prefix { get; }

    public RouteChangeKind Kind => table.Kind;

    /// <summary>When (ms after the failure) the router's best path and ECMP set for this prefix settled.</summary>
    public int AtMs => table.AtMs;

    /// <summary>The entry before the failure, or null.</summary>
    public RibEntry? Before => table.Before?.WithPrefix(Prefix);

    /// <summary>The entry after the failure, or null when the route is lost.</summary>
    public RibEntry? After => table.After?.WithPrefix(Prefix);

    /// <summary>Position of the prefix in its family's table order.</summary>
    internal int Ordinal { get; }

    /// <summary>Identifies the router's table for the prefix's class: every prefix of a class changes the same way.</summary>
    internal ChangedTable Table => table;
}

/// <summary>How one router's table for one prefix class changed; its entries are built on first use.</summary>
internal sealed class ChangedTable(BgpOutcome before, BgpOutcome after, BgpRouter router, IpFamily family, ClassState was, ClassState now, RouteChangeKind kind, int atMs)
{
    public PrefixClass Class => now.Class;

    private RibEntry? beforeEntry, afterEntry;
    private bool built;

    public BgpRouter Router { get; } = router;

    public IpFamily Family { get; } = family;

    public RouteChangeKind Kind { get; } = kind;

    public int AtMs { get; } = atMs;

    /// <summary>The text report's cells for this table, formatted once and shared by all its prefixes.</summary>
    public string[]? TextCells { get; set; }

    public RibEntry? Before
    {
        get
        {
            Build();
            return beforeEntry;
        }
    }

    public RibEntry? After
    {
        get
        {
            Build();
            return afterEntry;
        }
    }

    private void Build()
    {
        if (!built)
        {
            beforeEntry = before.Entry(Router, Family, was, now.Class.Prefixes[0]);
            afterEntry = after.Entry(Router, Family, now, now.Class.Prefixes[0]);
            built = true;
        }
    }
}

/// <summary>What a what-if does to one service VIP.</summary>
public sealed record VipImpact(
    LbService Service,
    IPAddress Vip,
    IReadOnlyList<Host> Endpoints,
    IReadOnlyList<Host> FailedEndpoints,
    IReadOnlyList<Host> Serving,
    bool Lost,
    int? BlackholeMs,
    int RoutersChanged);

/// <summary>
/// A what-if: the new tables after failures, the routes that moved or were lost, the convergence estimate (detection,
/// the dead peer's clear queue, and the best-path waves that carry the news, MRAI 0 in FRR) and what happens to
/// each service VIP: who takes over and for how long traffic is black-holed.
/// </summary>
public sealed class WhatIfReport
{
    private WhatIfReport(BgpOutcome before, BgpOutcome after) => (Before, After) = (before, after);

    public BgpOutcome Before { get; }

    public BgpOutcome After { get; }

    public BgpScenario Scenario => After.Scenario!;

    public IReadOnlyList<RouteChange> Changes { get; private set; } = [];

    public IReadOnlyList<VipImpact> Vips { get; private set; } = [];

    /// <summary>The slowest detection that changed anything, in ms; null when nothing changed.</summary>
    public int? DetectionMs { get; private set; }

    /// <summary>When the last router's forwarding settled, in ms after the failure; null when nothing changed.</summary>
    public int? ConvergedMs { get; private set; }

    /// <summary>The estimate's terms; they add up to <see cref="ConvergedMs"/>.</summary>
    public IReadOnlyList<ConvergenceTerm> Terms { get; private set; } = [];

    /// <summary>Sessions whose surviving end never notices the failure (hold time 0 and no BFD).</summary>
    public IReadOnlyList<Detection> Undetected => Scenario.Detections.Where(d => d.Milliseconds is null).ToList();

    /// <summary>Runs the failures of <paramref name="scenario"/> from the steady state <paramref name="before"/>.</summary>
    public static WhatIfReport Run(BgpOutcome before, BgpScenario scenario) => Analyze(before, before.Simulation.WhatIf(before, scenario));

    /// <summary>
    /// The tables a what-if changed: per family and prefix class whose state it replaced, every live router whose
    /// best path or ECMP set changed, with its run after (<c>Run</c>) and before (<c>Old</c>, null when it had none).
    /// </summary>
    internal static IEnumerable<(IpFamily Family, int Class, ClassState Was, ClassState Now, RouterRun Run, RouterRun? Old)> ForwardingChanges(BgpOutcome before, BgpOutcome after)
    {
        var failed = after.Scenario!.FailedRouters;
        foreach (var family in before.Families)
        {
            var b = before.States[(int)family];
            var a = after.States[(int)family];
            for (int c = 0; c < b.Length; c++)
            {
                if (ReferenceEquals(b[c], a[c]))
                {
                    continue;
                }

                foreach (var run in a[c].Runs)
                {
                    var old = b[c].Find(run.Router);
                    if (!ReferenceEquals(run, old) && !failed.Contains(before.Model.Routers[run.Router]) && run.ForwardingChangedAt >= 0)
                    {
                        yield return (family, c, b[c], a[c], run, old);
                    }
                }
            }
        }
    }

    /// <summary>Compares a steady state with a what-if outcome computed from it.</summary>
    public static WhatIfReport Analyze(BgpOutcome before, BgpOutcome after)
    {
        var report = new WhatIfReport(before, after);
        var tables = new List<ChangedTable>();
        var byClass = new Dictionary<(IpFamily, int), (int At, int Routers)>();
        foreach (var (family, c, was, now, run, old) in ForwardingChanges(before, after))
        {
            if (Classify(old?.Forwarding ?? [], run.Forwarding) is not { } kind)
            {
                continue;
            }

            tables.Add(new ChangedTable(before, after, before.Model.Routers[run.Router], family, was, now, kind, run.ForwardingChangedAt));
            var key = (family, c);
            var (at, routers) = byClass.GetValueOrDefault(key);
            byClass[key] = (Math.Max(at, run.ForwardingChangedAt), routers + 1);
        }

        // Emit per router and family in table order without sorting: walk the family's prefixes once per changed router.
        var changes = new List<RouteChange>();
        foreach (var g in tables.GroupBy(t => (t.Router.Index, t.Family)).OrderBy(g => g.Key.Index).ThenBy(g => g.Key.Family))
        {
            var byIndex = g.ToDictionary(t => t.Class.Index);
            foreach (var (cls, i) in after.Simulation.TableOrder(g.Key.Family))
            {
                if (byIndex.TryGetValue(cls.Index, out var t))
                {
                    changes.Add(new RouteChange(t, cls.Prefixes[i], cls.Ordinals[i]));
                }
            }
        }

        report.Changes = changes;
        report.classChanges = byClass;
        report.Estimate();
        report.Vips = report.VipImpacts();
        return report;
    }

    private Dictionary<(IpFamily, int), (int At, int Routers)> classChanges = [];

    /// <summary>
    /// Classifies a router's change from its forwarding state before and after: (adjacency, AS path) pairs of the best
    /// path then of the multipaths.
    /// </summary>
    private static RouteChangeKind? Classify(int[] was, int[] now)
    {
        if (was.AsSpan().SequenceEqual(now) || SameSet(was, now))
        {
            return null;
        }

        return now.Length == 0 ? RouteChangeKind.Lost
            : was.Length == 0 ? RouteChangeKind.Gained
            : Subset(now, was, pairs: true) ? RouteChangeKind.EcmpReduced
            : Subset(now, was, pairs: false) && Subset(was, now, pairs: false) ? RouteChangeKind.AsPathChanged
            : RouteChangeKind.Moved;
    }

    private static bool SameSet(int[] a, int[] b) => a.Length == b.Length && Subset(a, b, true) && Subset(b, a, true);

    /// <summary>Every member of <paramref name="a"/> is in <paramref name="b"/>: as (adjacency, AS path) pairs, or by adjacency only.</summary>
    private static bool Subset(int[] a, int[] b, bool pairs)
    {
        for (int i = 0; i < a.Length; i += 2)
        {
            bool found = false;
            for (int j = 0; j < b.Length && !found; j += 2)
            {
                found = a[i] == b[j] && (!pairs || a[i + 1] == b[j + 1]);
            }

            if (!found)
            {
                return false;
            }
        }

        return true;
    }

    private void Estimate()
    {
        if (Changes.Count == 0)
        {
            return;
        }

        int converged = Changes.Max(c => c.AtMs);
        var effective = Scenario.Detections.Where(d => d.Milliseconds is int ms && ms + BgpSimulation.ClearMs + BgpSimulation.ProcessingMs <= converged).ToList();
        var slowest = effective.OrderByDescending(d => d.Milliseconds).ThenBy(d => d.Session.Index).FirstOrDefault();
        int detection = slowest?.Milliseconds ?? 0;
        int rest = converged - detection - BgpSimulation.ClearMs;
        int runs = rest / BgpSimulation.ProcessingMs;
        DetectionMs = detection;
        ConvergedMs = converged;
        var terms = new List<ConvergenceTerm>
        {
            new("detection", detection, slowest is null ? "" : $"{slowest.End.Router.Name} on {slowest.Session.Name}: {slowest.Why}"),
            new("clear", BgpSimulation.ClearMs, "bgpd's clear queue removes the dead peer's paths"),
            new("propagation", rest, string.Create(CultureInfo.InvariantCulture,
                $"{runs} best-path run{(runs == 1 ? "" : "s")} x (MRAI {BgpSimulation.MraiMs} ms + {BgpSimulation.ProcessingMs} ms work-queue hold){(rest % BgpSimulation.ProcessingMs == 0 ? "" : " and detections at different times")}")),
        };
        Terms = terms;
    }

    private List<VipImpact> VipImpacts()
    {
        var impacts = new List<VipImpact>();
        if (Before.Model.Network.LoadBalancer is not { } lb)
        {
            return impacts;
        }

        var classOf = new Dictionary<IPNetwork, (IpFamily, int)>();
        foreach (var f in Before.Families)
        {
            foreach (var cls in Before.Simulation.Classes[(int)f])
            {
                foreach (var p in cls.Prefixes)
                {
                    classOf[p] = (f, cls.Index);
                }
            }
        }

        foreach (var svc in lb.Services)
        {
            foreach (var vip in new[] { svc.VipV4, svc.VipV6 }.OfType<IPAddress>())
            {
                var prefix = new IPNetwork(vip, vip.IsV4() ? 32 : 128);
                var family = vip.IsV4() ? IpFamily.Ipv4 : IpFamily.Ipv6;
                var failedEndpoints = svc.Endpoints.Where(h => !Announces(h, family)).ToList();
                var serving = svc.Endpoints.Where(h => Announces(h, family)).ToList();
                bool affected = classOf.TryGetValue(prefix, out var key) && classChanges.TryGetValue(key, out _);
                if (!affected && failedEndpoints.Count == 0)
                {
                    continue;
                }

                var stats = affected ? classChanges[key] : default;
                bool lost = serving.Count == 0;
                impacts.Add(new VipImpact(svc, vip, svc.Endpoints, failedEndpoints, serving, lost, affected ? stats.At : null, stats.Routers));
            }
        }

        return impacts;
    }

    private bool Announces(Host h, IpFamily family) => Announces(Before.Model, Scenario, h, family);

    /// <summary>Whether a speaker still announces its VIPs of a family: it is up and keeps an established session for the family.</summary>
    internal static bool Announces(BgpModel model, BgpScenario scenario, Host h, IpFamily family)
    {
        var r = model.Find(h.Name);
        if (r is null || scenario.FailedRouters.Contains(r))
        {
            return false;
        }

        return r.Neighbors.Any(n => n.Session is { Establishes: true } s && s.Families.Contains(family) && !scenario.FailedSessions.Contains(s.Index));
    }
}

/// <summary>One failure of a sweep and what it does.</summary>
public sealed record SweepResult(BgpFailure Failure, int Lost, int Moved, int EcmpReduced, int? ConvergedMs, int VipsLost, int VipsAffected, int Undetected);

/// <summary>Every single-link and single-switch failure of the fabric, run in parallel from one steady state.</summary>
public static class BgpSweep
{
    /// <summary>The failures of a sweep: every fabric link, then every spine and leaf.</summary>
    public static IReadOnlyList<BgpFailure> Failures(BgpModel model, FailureMode mode) =>
    [
        .. model.Network.FabricLinks.Select(l => new BgpFailure(false, l.Spine.Name, l.Leaf.Name, mode)),
        .. model.Spines.Concat(model.Leaves).Select(r => new BgpFailure(true, r.Name, null, mode)),
    ];

    public static IReadOnlyList<SweepResult> Run(BgpOutcome baseline, IReadOnlyList<BgpFailure> failures, int parallelism)
    {
        var sim = baseline.Simulation;
        var results = new SweepResult[failures.Count];
        using var tables = new ThreadLocal<AsPathTable>(() => baseline.Paths.Clone());
        Parallel.For(0, failures.Count, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, parallelism) }, i =>
        {
            var scenario = BgpScenario.Resolve(sim.Model, [failures[i]]);
            var after = sim.WhatIf(baseline, scenario, tables.Value!);
            results[i] = Summarize(baseline, after, failures[i]);
        });
        return results;
    }

    /// <summary>Counts changes per (router, prefix) without building tables.</summary>
    private static SweepResult Summarize(BgpOutcome before, BgpOutcome after, BgpFailure failure)
    {
        int lost = 0, moved = 0, reduced = 0, converged = -1;
        var scenario = after.Scenario!;
        var changedPrefixes = new HashSet<IPNetwork>();
        foreach (var (_, _, _, now, run, old) in WhatIfReport.ForwardingChanges(before, after))
        {
            int n = now.Class.Prefixes.Count;
            int was = CountForwarding(old), forwarding = CountForwarding(run);
            if (forwarding == 0 && was > 0)
            {
                lost += n;
            }
            else if (forwarding < was && SubsetOf(run, old!))
            {
                reduced += n;
            }
            else
            {
                moved += n;
            }

            converged = Math.Max(converged, run.ForwardingChangedAt);
            changedPrefixes.UnionWith(now.Class.Prefixes);
        }

        int vipsLost = 0, vipsAffected = 0;
        if (before.Model.Network.LoadBalancer is { } lb)
        {
            foreach (var svc in lb.Services)
            {
                foreach (var vip in new[] { svc.VipV4, svc.VipV6 }.OfType<IPAddress>())
                {
                    var prefix = new IPNetwork(vip, vip.IsV4() ? 32 : 128);
                    if (changedPrefixes.Contains(prefix))
                    {
                        vipsAffected++;
                        var family = vip.IsV4() ? IpFamily.Ipv4 : IpFamily.Ipv6;
                        if (!svc.Endpoints.Any(h => WhatIfReport.Announces(before.Model, scenario, h, family)))
                        {
                            vipsLost++;
                        }
                    }
                }
            }
        }

        return new SweepResult(failure, lost, moved, reduced, converged < 0 ? null : converged, vipsLost, vipsAffected, scenario.Detections.Count(d => d.Milliseconds is null));
    }

    private static int CountForwarding(RouterRun? r)
    {
        int n = 0;
        for (int i = 0; r is not null && i < r.Count; i++)
        {
            if (r.Paths[i].Selected || r.Paths[i].Multipath)
            {
                n++;
            }
        }

        return n;
    }

    private static bool SubsetOf(RouterRun now, RouterRun was)
    {
        for (int i = 0; i < now.Count; i++)
        {
            if (!(now.Paths[i].Selected || now.Paths[i].Multipath))
            {
                continue;
            }

            bool found = false;
            for (int j = 0; j < was.Count && !found; j++)
            {
                found = (was.Paths[j].Selected || was.Paths[j].Multipath) && was.Paths[j].Adj == now.Paths[i].Adj && was.Paths[j].AsPath == now.Paths[i].AsPath;
            }

            if (!found)
            {
                return false;
            }
        }

        return true;
    }
}
