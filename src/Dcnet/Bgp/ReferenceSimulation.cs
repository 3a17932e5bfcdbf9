using System.Globalization;
using System.Net;
using System.Text;
using Dcnet.Design;
using Dcnet.Topology;

namespace Dcnet.Bgp;

/// <summary>
/// The slow twin of <see cref="BgpSimulation"/>: the same timing model and the same FRR decision process, but one
/// prefix at a time, straight from the model's neighbour statements and prefix-lists, with plain collections and no
/// classes, pruning, interning or copy-on-write. Property tests check that both give byte-identical tables.
/// </summary>
internal static class ReferenceSimulation
{
    private sealed class RefPath
    {
        public required BgpNeighbor? From { get; init; } // receiving end; null: local

        public required uint[] AsPath { get; set; }

        public required bool Med { get; set; }

        public bool Selected { get; set; }

        public bool Multipath { get; set; }
    }

    private sealed class Table
    {
        public List<RefPath> Paths { get; } = [];

        public SelectionReason Reason { get; set; }

        public (uint[] Path, bool Med)? Advert { get; set; }

        public int ChangedAt { get; set; } = -1;

        public int ForwardingChangedAt { get; set; } = -1;

        public string Forwarding { get; set; } = "";
    }

    private sealed record Msg(BgpNeighbor To, BgpNeighbor From, uint[]? Path, bool Med, bool Drop, int Seq);

    /// <summary>Every table entry as one line per (router, family, prefix), for comparison with the fast engine.</summary>
    public static SortedDictionary<string, string> Run(BgpModel model, BgpScenario? scenario)
    {
        var result = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var family in new[] { IpFamily.Ipv4, IpFamily.Ipv6 })
        {
            var prefixes = model.Routers.SelectMany(r => r.Networks(family)).Distinct().Order(Comparer<IPNetwork>.Create(IpMath.Compare)).ToList();
            foreach (var prefix in prefixes)
            {
                var tables = Simulate(model, family, prefix, null, null);
                if (scenario is not null)
                {
                    tables = Simulate(model, family, prefix, scenario, tables);
                }

                foreach (var (router, table) in tables.OrderBy(t => t.Key.Index))
                {
                    if (table.Paths.Count == 0 || (scenario?.FailedRouters.Contains(router) ?? false))
                    {
                        continue;
                    }

                    result[Key(router, family, prefix)] = Line(table);
                }
            }
        }

        return result;
    }

    public static string Key(BgpRouter r, IpFamily f, IPNetwork p) => string.Create(CultureInfo.InvariantCulture, $"{r.Index:D5} {r.Name} {f} {p}");

    private static string Line(Table t)
    {
        var sb = new StringBuilder();
        foreach (var p in t.Paths)
        {
            sb.Append(p.From is null ? "local" : p.From.Router.Name + "<" + p.From.Session!.Name + "<" + p.From.PeerName)
              .Append(':').Append(string.Join(' ', p.AsPath)).Append(p.Med ? ":med" : "").Append(p.Selected ? ":best" : "").Append(p.Multipath ? ":mp" : "").Append(" | ");
        }

        sb.Append("reason=").Append(t.Reason.Text()).Append(" changed=").Append(t.ChangedAt).Append(" fwd=").Append(t.ForwardingChangedAt);
        return sb.ToString();
    }

    /// <summary>The engine's output in the same line format.</summary>
    public static SortedDictionary<string, string> Dump(BgpOutcome outcome)
    {
        var result = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var family in outcome.Families)
        {
            foreach (var router in outcome.LiveRouters)
            {
                foreach (var e in outcome.Rib(router, family).Entries)
                {
                    var sb = new StringBuilder();
                    foreach (var p in e.Paths)
                    {
                        sb.Append(p.From is null ? "local" : p.From.Router.Name + "<" + p.From.Session!.Name + "<" + p.From.PeerName)
                          .Append(':').Append(p.AsPathText).Append(p.HasMed ? ":med" : "").Append(p.Best ? ":best" : "").Append(p.Multipath ? ":mp" : "").Append(" | ");
                    }

                    sb.Append("reason=").Append(e.Reason.Text()).Append(" changed=").Append(e.ChangedAtMs).Append(" fwd=").Append(e.ForwardingChangedAtMs);
                    result[Key(router, family, e.Prefix)] = sb.ToString();
                }
            }
        }

        return result;
    }

    private static Dictionary<BgpRouter, Table> Simulate(BgpModel model, IpFamily family, IPNetwork prefix, BgpScenario? scenario, Dictionary<BgpRouter, Table>? before)
    {
        var tables = new Dictionary<BgpRouter, Table>();
        var lastSent = new Dictionary<BgpNeighbor, (uint[] Path, bool Med)?>();
        var queue = new SortedDictionary<int, List<Msg>>();
        int seq = 0;
        bool Failed(BgpRouter r) => scenario?.FailedRouters.Contains(r) ?? false;
        bool Up(BgpSession s) => s.Establishes && s.Families.Contains(family) && !(scenario?.FailedSessions.Contains(s.Index) ?? false) && !Failed(s.A.Router) && !Failed(s.B.Router);

        Table TableOf(BgpRouter r)
        {
            if (!tables.TryGetValue(r, out var t))
            {
                t = new Table();
                if (before?.GetValueOrDefault(r) is { } b)
                {
                    t.Paths.AddRange(b.Paths.Select(p => new RefPath { From = p.From, AsPath = p.AsPath, Med = p.Med, Selected = p.Selected, Multipath = p.Multipath }));
                    t.Reason = b.Reason;
                    t.Advert = b.Advert;
                    t.Forwarding = b.Forwarding;
                }

                tables[r] = t;
            }

            return t;
        }

        if (before is not null)
        {
            foreach (var (r, _) in before)
            {
                TableOf(r);
            }

            // What was last sent before the failure: each sender's steady-state announcement through its export policy.
            foreach (var r in model.Routers)
            {
                foreach (var end in r.Neighbors)
                {
                    lastSent[end] = tables.GetValueOrDefault(r)?.Advert is { } adv && end.Session is { } s && s.Families.Contains(family) && end.Export(family).Permits(prefix, r.Originates(prefix))
                        ? ([r.Asn.Value, .. adv.Path], adv.Med)
                        : null;
                }
            }

            foreach (var d in scenario!.Detections)
            {
                if (d.Milliseconds is int ms && d.Session.Families.Contains(family))
                {
                    queue.TryAdd(ms + BgpSimulation.ClearMs + BgpSimulation.ProcessingMs, []);
                    queue[ms + BgpSimulation.ClearMs + BgpSimulation.ProcessingMs].Add(new Msg(d.End, d.Session.Other(d.End), null, false, true, seq++));
                }
            }
        }
        else
        {
            foreach (var r in model.Routers.Where(r => r.Originates(prefix) && !Failed(r)))
            {
                var t = TableOf(r);
                t.Paths.Insert(0, new RefPath { From = null, AsPath = [], Med = true });
                Decide(r, t, 0);
                Announce(r, t, 0);
            }
        }

        while (queue.Count > 0)
        {
            int time = queue.Keys.First();
            var batch = queue[time];
            queue.Remove(time);
            foreach (var group in batch.GroupBy(m => m.To.Router).OrderBy(g => g.Key.Index))
            {
                var r = group.Key;
                var t = TableOf(r);
                bool changed = false;
                foreach (var m in group.OrderBy(m => m.Drop ? -1 : Order(m.To)).ThenBy(m => m.Seq))
                {
                    var existing = t.Paths.FirstOrDefault(p => ReferenceEquals(p.From, m.To));
                    bool accept = !m.Drop && m.Path is not null
                        && m.Path.Count(a => a == r.Asn.Value) <= m.To.AllowAsIn
                        && m.To.Import(family).Permits(prefix, r.Originates(prefix));
                    if (!accept)
                    {
                        if (existing is not null)
                        {
                            t.Paths.Remove(existing);
                            changed = true;
                        }
                    }
                    else if (existing is not null)
                    {
                        if (!existing.AsPath.SequenceEqual(m.Path!) || existing.Med != m.Med)
                        {
                            existing.AsPath = m.Path!;
                            existing.Med = m.Med;
                            changed = true;
                        }
                    }
                    else
                    {
                        t.Paths.Insert(0, new RefPath { From = m.To, AsPath = m.Path!, Med = m.Med });
                        changed = true;
                    }
                }

                if (changed)
                {
                    Decide(r, t, time);
                    Announce(r, t, time);
                }
            }
        }

        return tables;

        void Announce(BgpRouter r, Table t, int time)
        {
            var best = t.Paths.FirstOrDefault(p => p.Selected);
            (uint[] Path, bool Med)? advert = best is null ? null : (best.AsPath, best.From is null);
            if (Same(advert, t.Advert))
            {
                return;
            }

            t.Advert = advert;
            foreach (var end in r.Neighbors)
            {
                if (end.Session is not { } s || !Up(s))
                {
                    continue;
                }

                (uint[] Path, bool Med)? value = advert is { } a && end.Export(family).Permits(prefix, r.Originates(prefix)) ? ([r.Asn.Value, .. a.Path], a.Med) : null;
                if (Same(value, lastSent.GetValueOrDefault(end)))
                {
                    continue;
                }

                lastSent[end] = value;
                var to = s.Other(end);
                if (!queue.TryGetValue(time + BgpSimulation.ProcessingMs, out var list))
                {
                    queue[time + BgpSimulation.ProcessingMs] = list = [];
                }

                list.Add(new Msg(to, end, value?.Path, value?.Med ?? false, false, seq++));
            }
        }

        void Decide(BgpRouter r, Table t, int time)
        {
            string Forwarding() => string.Join(';', t.Paths.Where(p => p.Selected || p.Multipath)
                .Select(p => (p.Selected ? "B" : "M") + (p.From?.Session!.Index.ToString(CultureInfo.InvariantCulture) ?? "L") + "/" + string.Join(' ', p.AsPath)).Order(StringComparer.Ordinal));
            var c = t.Paths.Select(p => Candidate(r, family, p)).ToArray();
            var (_, reason) = FrrDecision.Select(c, new DecisionConfig(r.DeterministicMed, r.MultipathRelax, r.CompareRouterId, r.MaximumPaths));
            for (int i = 0; i < c.Length; i++)
            {
                t.Paths[i].Selected = c[i].Selected;
                t.Paths[i].Multipath = c[i].Multipath;
            }

            t.Reason = reason;
            t.ChangedAt = time;
            if (Forwarding() != t.Forwarding)
            {
                t.Forwarding = Forwarding();
                t.ForwardingChangedAt = time;
            }
        }
    }

    private static int Order(BgpNeighbor n)
    {
        for (int i = 0; i < n.Router.Neighbors.Count; i++)
        {
            if (ReferenceEquals(n.Router.Neighbors[i], n))
            {
                return i;
            }
        }

        return -1;
    }

    private static bool Same((uint[] Path, bool Med)? a, (uint[] Path, bool Med)? b) =>
        a is null ? b is null : b is not null && a.Value.Med == b.Value.Med && a.Value.Path.SequenceEqual(b.Value.Path);

    private static Candidate Candidate(BgpRouter r, IpFamily family, RefPath p)
    {
        if (p.From is null)
        {
            return new Candidate { Local = true, HasMed = true, NextHop = NextHopKey.Local(family == IpFamily.Ipv4), Selected = p.Selected };
        }

        var sender = p.From.Session!.Other(p.From);
        return new Candidate
        {
            AsPathLength = p.AsPath.Length,
            FirstAs = p.AsPath.Length > 0 ? p.AsPath[0] : 0,
            HasMed = p.Med,
            PeerAs = sender.Router.Asn.Value,
            PeerRouterId = (uint)IpMath.ToUInt128(sender.Router.RouterId),
            Su = sender.LocalAddress is { } a ? new SuKey(a.IsV4() ? 4 : 6, IpMath.ToUInt128(a)) : new SuKey(6, (UInt128.One << 127) | (UInt128)(uint)FirstOnInterface(p.From)),
            NextHop = !sender.Unnumbered && family == IpFamily.Ipv4
                ? NextHopKey.Ipv4((uint)IpMath.ToUInt128(sender.LocalAddress!))
                : NextHopKey.GlobalAndLinkLocal(FirstOnInterface(p.From), sender.LocalAddress is { } g ? IpMath.ToUInt128(g) : 0),
            Selected = p.Selected,
        };
    }

    private static int FirstOnInterface(BgpNeighbor recv)
    {
        var list = recv.Router.Neighbors;
        for (int i = 0; i < list.Count; i++)
        {
            if (list[i].Interface == recv.Interface)
            {
                return i;
            }
        }

        return -1;
    }
}
