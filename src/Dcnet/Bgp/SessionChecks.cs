using System.Globalization;
using System.Net;
using Dcnet.Checks;
using Dcnet.Design;
using Dcnet.Topology;

namespace Dcnet.Bgp;

/// <summary>
/// BGP sessions and what flows over them: both ends agree on AS and address, timers and BFD work together, every
/// speaker has a leaf that peers with it, VIPs do not hijack routed networks, and ECMP uses every equal-cost path.
/// </summary>
public sealed class SessionChecks : ICheck
{
    public static readonly Rule EndsDisagree = new(
        "BGP002", Foundation.Bgp, Severity.Error,
        "BGP session ends disagree on AS or address",
        "Each end of an eBGP session checks the AS in the other's OPEN against its remote-as and refuses a mismatch with NOTIFICATION Bad Peer AS (RFC 4271 §6.2); an end that points at an address another device owns talks to the wrong box. Either way the session never reaches Established and nothing is announced over it. A classic case: one MetalLB BGPPeer peerASN for all top-of-rack switches when every leaf has its own AS.",
        "Make each end's remote-as the other's AS (leave load-balancer.peer-asn unset to use each leaf's own AS), and keep leaf peering addresses free of hosts and VMs.");

    public static readonly Rule TimersIncompatible = new(
        "BGP003", Foundation.Bgp, Severity.Warning,
        "Hold timer, keepalive or BFD settings that defeat failure detection",
        "BFD only runs when both ends enable it; with one end alone the BFD session never comes up and failures are noticed when the hold timer expires (9 s or 180 s instead of under a second). A negotiated hold time of 0 turns keepalives off, so without BFD a silent peer is never noticed. A keepalive longer than a third of the hold time is silently shortened by FRR.",
        "Enable BFD on both ends (fabric.bgp.bfd and load-balancer.bfd), keep the hold time at 3 s or more, and the keepalive at a third of it.");

    public static readonly Rule NoSessionForSpeaker = new(
        "BGP004", Foundation.Bgp, Severity.Error,
        "Speaker peers with a leaf that has no session for it",
        "A load-balancer speaker (MetalLB BGPPeer) that points at a leaf which has no matching neighbour, or that has no address to peer from, announces nothing through that leaf; when no leaf of the node accepts the family, the node's VIPs of that family are not announced at all and the service is unreachable from the fabric.",
        "Peer on a routed host network both ends have addresses on (load-balancer.peer-network), in a family the fabric runs (fabric.families).");

    public static readonly Rule VipInsideRoutedNetwork = new(
        "BGP005", Foundation.Bgp, Severity.Error,
        "VIP pool inside a network the leaves originate",
        "A VIP is announced as a /32 or /128. Inside a network the fabric routes, that host route wins longest-prefix match on every router, so traffic for the address leaves the network's hosts and goes to the speakers, and the VIP can collide with an address the network hands out.",
        "Take VIP pools from a range no routed network covers.");

    public static readonly Rule EcmpNarrowed = new(
        "BGP006", Foundation.Bgp, Severity.Warning,
        "Equal-cost paths left out of ECMP",
        "FRR puts a path into the ECMP set only if it ties with the best path on every step up to the IGP metric and, without 'bgp bestpath as-path multipath-relax', comes from the same neighbour AS (bgp_path_info_cmp step 11), and only up to maximum-paths members. Equal-length paths that are left out carry no traffic: a spine sends a network that every leaf originates to one leaf only, or to the first N.",
        "Enable fabric.bgp.multipath-relax, and raise fabric.bgp.maximum-paths to the widest fan-out.");

    public IReadOnlyList<Rule> Rules => [EndsDisagree, TimersIncompatible, NoSessionForSpeaker, VipInsideRoutedNetwork, EcmpNarrowed];

    private static string N(long v) => v.ToString("N0", CultureInfo.InvariantCulture);

    public IEnumerable<Finding> Run(Network network)
    {
        var model = BgpModel.Of(network);
        return [.. Disagreements(model), .. Timers(model), .. Unmatched(model), .. VipsInRoutedNetworks(model), .. Ecmp(model)];
    }

    private static SourceLocation LbAt(BgpModel m, string key) => m.Network.Design.LoadBalancer?.LocationOf(key) ?? m.Network.Design.Fabric.LocationOf("bgp");

    /// <summary>VIPs of a family that no endpoint announces, because no endpoint keeps an established session for it.</summary>
    private static List<IPAddress> UnannouncedVips(BgpModel m)
    {
        var list = new List<IPAddress>();
        foreach (var svc in m.Network.LoadBalancer?.Services ?? [])
        {
            foreach (var (vip, family) in new[] { (svc.VipV4, IpFamily.Ipv4), (svc.VipV6, IpFamily.Ipv6) })
            {
                if (vip is not null && !svc.Endpoints.Any(h => m.Find(h.Name)?.Neighbors.Any(n => n.Session is { Establishes: true } s && s.Families.Contains(family)) ?? false))
                {
                    list.Add(vip);
                }
            }
        }

        return list;
    }

    private static string Vips(List<IPAddress> vips) => vips.Count == 0 ? ""
        : $"; {N(vips.Count)} VIP{(vips.Count == 1 ? " is" : "s are")} announced by no node ({string.Join(", ", vips.Take(3))}{(vips.Count > 3 ? ", ..." : "")})";

    private static IEnumerable<Finding> Disagreements(BgpModel m)
    {
        var refused = m.Sessions.Where(s => s.Problem is not null).ToList();
        if (refused.Count > 0)
        {
            var lb = m.Network.Design.LoadBalancer;
            var bySpeakerAsn = refused.Where(s => s.IsSpeakerSession && lb?.PeerAsn is not null).ToList();
            if (bySpeakerAsn.Count > 0)
            {
                var leaves = bySpeakerAsn.Select(s => s.A.Router).Distinct().OrderBy(r => r.Index).ToList();
                yield return new Finding
                {
                    Rule = EndsDisagree,
                    Severity = Severity.Error,
                    Message = $"load-balancer.peer-asn {lb!.PeerAsn}: the speakers expect every leaf in AS {lb.PeerAsn}, but {leaves[0].Name} is AS {leaves[0].Asn}"
                        + (leaves.Count > 1 ? $" (and {N(leaves.Count - 1)} more leaves)" : "")
                        + $"; {N(bySpeakerAsn.Count)} speaker sessions are refused with NOTIFICATION Bad Peer AS" + Vips(UnannouncedVips(m)),
                    Objects = [.. leaves.Select(r => r.Name)],
                    Location = LbAt(m, "peer-asn"),
                    Fix = "Leave load-balancer.peer-asn unset (one BGPPeer per leaf with that leaf's AS), or give the leaves one AS (leaf-scheme shared).",
                };
            }

            foreach (var s in refused.Except(bySpeakerAsn).Take(20))
            {
                yield return new Finding
                {
                    Rule = EndsDisagree,
                    Severity = Severity.Error,
                    Message = $"session {s.Name}: {s.Problem}",
                    Objects = [s.A.Router.Name, s.B.Router.Name],
                    Location = m.Network.Design.Fabric.Asn.Location,
                };
            }
        }

        // A leaf's peering address that the network also hands to a host or VM.
        if (m.PeerSegment is { } seg)
        {
            var owners = new Dictionary<IPAddress, string>();
            foreach (var i in seg.HostInterfaces)
            {
                foreach (var a in new[] { i.V4, i.V6 }.OfType<IPAddress>())
                {
                    owners.TryAdd(a, i.Host.Name + "/" + i.Name);
                }
            }

            foreach (var v in seg.Vnics)
            {
                foreach (var a in new[] { v.V4, v.V6 }.OfType<IPAddress>())
                {
                    owners.TryAdd(a, v.Name);
                }
            }

            var taken = new List<(BgpRouter Leaf, IPAddress Address, string Owner)>();
            foreach (var leaf in m.Leaves)
            {
                foreach (var a in leaf.Neighbors.Where(n => n.Kind == NeighborKind.LeafToSpeaker).Select(n => n.LocalAddress).OfType<IPAddress>().Distinct())
                {
                    if (owners.TryGetValue(a, out var owner))
                    {
                        taken.Add((leaf, a, owner));
                    }
                }
            }

            if (taken.Count > 0)
            {
                var (leaf, a, owner) = taken[0];
                yield return new Finding
                {
                    Rule = EndsDisagree,
                    Severity = Severity.Error,
                    Message = $"{leaf.Name}'s BGP address {a} on '{seg.Name}' (last usable address minus the leaf index) is also the address of {owner}: speakers that peer with {leaf.Name} reach {owner} instead"
                        + (taken.Count > 1 ? $" (and {N(taken.Count - 1)} more leaf addresses are taken)" : ""),
                    Objects = [.. taken.Select(t => t.Leaf.Name).Distinct(), .. taken.Select(t => t.Owner).Take(20)],
                    Location = seg.Design.LocationOf(a.IsV4() ? "ipv4" : "ipv6"),
                    Fix = $"Use a larger prefix for '{seg.Name}' so the top addresses stay free for the leaves.",
                };
            }
        }
    }

    private static IEnumerable<Finding> Timers(BgpModel m)
    {
        var sessions = m.Sessions.Where(s => s.Establishes).ToList();
        var lb = m.Network.Design.LoadBalancer;
        foreach (var g in sessions.Where(s => (s.A.Bfd is null) != (s.B.Bfd is null)).GroupBy(s => (s.IsSpeakerSession, s.A.Bfd is not null)))
        {
            var list = g.ToList();
            var s0 = list[0];
            string with = g.Key.Item2 ? s0.A.Router.Name : s0.B.Router.Name, without = g.Key.Item2 ? s0.B.Router.Name : s0.A.Router.Name;
            var hold = s0.NegotiatedHold;
            yield return new Finding
            {
                Rule = TimersIncompatible,
                Severity = Severity.Warning,
                Message = $"{N(list.Count)} session{(list.Count == 1 ? "" : "s")} (first {s0.Name}) run BFD on one end only ({with} yes, {without} no): BFD never comes up, so a failure is noticed when the {DurationText(hold)} hold timer expires instead of after {DurationText(((s0.A.Bfd ?? s0.B.Bfd)!.Value).DetectionTime((s0.A.Bfd ?? s0.B.Bfd)!.Value))}",
                Objects = [with, without],
                Location = g.Key.IsSpeakerSession ? LbAt(m, "bfd") : m.Network.Design.Fabric.Bgp.Bfd.LocationOf("enabled"),
                Fix = g.Key.IsSpeakerSession ? "Set load-balancer.bfd and fabric.bgp.bfd.enabled alike." : null,
            };
        }

        var noHold = sessions.Where(s => s.NegotiatedHold == TimeSpan.Zero && !s.Bfd).ToList();
        if (noHold.Count > 0)
        {
            yield return new Finding
            {
                Rule = TimersIncompatible,
                Severity = Severity.Warning,
                Message = $"{N(noHold.Count)} session{(noHold.Count == 1 ? "" : "s")} (first {noHold[0].Name}) negotiate hold time 0 and run no BFD: no keepalives are sent, so a peer that goes silent is never noticed and its routes stay in use",
                Objects = [noHold[0].A.Router.Name, noHold[0].B.Router.Name],
                Location = LbAt(m, "hold-time"),
            };
        }

        if (lb?.KeepaliveTime is { } ka && lb.HoldTime is { } h && h > TimeSpan.Zero && ka * 3 > h)
        {
            yield return new Finding
            {
                Rule = TimersIncompatible,
                Severity = Severity.Info,
                Message = $"load-balancer.keepalive-time {DurationText(ka)} is more than a third of hold-time {DurationText(h)}; FRR sends keepalives every {DurationText(h / 3)} instead",
                Objects = [],
                Location = LbAt(m, "keepalive-time"),
            };
        }
    }

    private static string DurationText(TimeSpan t) => Text.DurationText.Format(t);

    private static IEnumerable<Finding> Unmatched(BgpModel m)
    {
        var unannounced = UnannouncedVips(m);
        var d = m.Network.Design;
        foreach (var g in m.Neighbors.Where(n => n.Kind == NeighborKind.SpeakerToLeaf && n.Session is null).GroupBy(n => (n.Cause, n.Families[0])).OrderBy(g => g.Key.Cause).ThenBy(g => g.Key.Item2))
        {
            var list = g.ToList();
            var speakers = list.Select(n => n.Router.Name).Distinct().ToList();
            var at = g.Key.Cause switch
            {
                UnmatchedCause.FamilyNotInFabric => d.Fabric.LocationOf("families"),
                UnmatchedCause.NotRouted => m.PeerSegment!.Design.LocationOf("routed"),
                UnmatchedCause.NoHostAddress or UnmatchedCause.NoLeafAddress => m.PeerSegment!.Design.Location,
                _ => LbAt(m, "peer-network"),
            };
            var familyVips = unannounced.Where(a => a.IsV4() == (g.Key.Item2 == IpFamily.Ipv4)).ToList();
            yield return new Finding
            {
                Rule = NoSessionForSpeaker,
                Severity = Severity.Error,
                Message = $"{list[0].Unmatched}" + (list.Count > 1 ? $" (and {N(list.Count - 1)} more {BgpModel.FamilyName(g.Key.Item2)} speaker-leaf pairs, {N(speakers.Count)} speakers in all)" : "") + Vips(familyVips),
                Objects = [.. speakers.Take(20)],
                Location = at,
            };
        }
    }

    private static IEnumerable<Finding> VipsInRoutedNetworks(BgpModel m)
    {
        var lb = m.Network.Design.LoadBalancer;
        var services = m.Network.LoadBalancer?.Services ?? [];
        if (lb is null)
        {
            yield break;
        }

        var originated = m.Leaves.SelectMany(l => l.Networks(IpFamily.Ipv4).Concat(l.Networks(IpFamily.Ipv6))).ToHashSet();
        foreach (var pool in lb.Pools)
        {
            for (int i = 0; i < pool.Addresses.Count; i++)
            {
                var range = pool.Addresses[i];
                foreach (var seg in m.Network.Segments)
                {
                    foreach (var net in new[] { seg.Ipv4, seg.Ipv6 }.OfType<IPNetwork>())
                    {
                        if (!originated.Contains(net) || !range.Overlaps(net))
                        {
                            continue;
                        }

                        var inside = services.SelectMany(s => new[] { s.VipV4, s.VipV6 }.OfType<IPAddress>().Select(v => (s, v))).Where(x => net.Contains(x.v)).ToList();
                        if (inside.Count == 0)
                        {
                            continue;
                        }

                        var owners = seg.HostInterfaces.SelectMany(h => new[] { (h.V4, h.Host.Name + "/" + h.Name), (h.V6, h.Host.Name + "/" + h.Name) })
                            .Concat(seg.Vnics.SelectMany(v => new[] { (v.V4, v.Name), (v.V6, v.Name) }))
                            .Where(x => x.Item1 is not null).ToDictionary(x => x.Item1!, x => x.Item2);
                        var clash = inside.FirstOrDefault(x => owners.ContainsKey(x.v));
                        yield return new Finding
                        {
                            Rule = VipInsideRoutedNetwork,
                            Severity = Severity.Error,
                            Message = $"VIP pool '{pool.Name}' {range} lies inside network '{seg.Name}' {net}, which the leaves originate: {N(inside.Count)} VIP{(inside.Count == 1 ? "" : "s")} (first {inside[0].v} of {inside[0].s.Name}) win longest-prefix match fabric-wide as /{(net.IsV4() ? 32 : 128)}s"
                                + (clash.v is not null ? $", and {clash.v} is also the address of {owners[clash.v]}, whose traffic now goes to the speakers" : ""),
                            Objects = [pool.Name, seg.Name],
                            Location = pool.LocationOf(string.Create(CultureInfo.InvariantCulture, $"addresses[{i}]")),
                        };
                    }
                }
            }
        }
    }

    private static IEnumerable<Finding> Ecmp(BgpModel m)
    {
        var outcome = BgpSimulation.SteadyState(m);
        var bgp = m.Network.Design.Fabric.Bgp;
        var narrowed = new Dictionary<bool, List<(BgpRouter Router, IPNetwork Prefix, int Prefixes, int Used, int Equal)>> { [false] = [], [true] = [] };
        foreach (var family in outcome.Families)
        {
            foreach (var state in outcome.States[(int)family])
            {
                foreach (var run in state.Runs)
                {
                    if (run.Best < 0 || run.Paths[run.Best].Adj < 0)
                    {
                        continue;
                    }

                    int length = outcome.Paths.Length(run.Paths[run.Best].AsPath);
                    int equal = 0, used = 0;
                    for (int i = 0; i < run.Count; i++)
                    {
                        var p = run.Paths[i];
                        if (p.Adj >= 0 && outcome.Paths.Length(p.AsPath) == length)
                        {
                            equal++;
                        }

                        if (p.Selected || p.Multipath)
                        {
                            used++;
                        }
                    }

                    if (used < equal)
                    {
                        var router = m.Routers[run.Router];
                        bool byMaximum = used >= router.MaximumPaths;
                        narrowed[byMaximum].Add((router, state.Class.Prefixes[0], state.Class.Prefixes.Count, used, equal));
                    }
                }
            }
        }

        foreach (var (byMaximum, list) in narrowed.Where(kv => kv.Value.Count > 0))
        {
            var worst = list.OrderByDescending(x => x.Equal - x.Used).ThenBy(x => x.Router.Index).First();
            int routers = list.Select(x => x.Router).Distinct().Count();
            yield return new Finding
            {
                Rule = EcmpNarrowed,
                Severity = Severity.Warning,
                Message = $"{worst.Router.Name} uses {N(worst.Used)} of {N(worst.Equal)} equal-length paths to {worst.Prefix}"
                    + (list.Count > 1 ? $" ({N(list.Sum(x => x.Prefixes))} routes on {N(routers)} routers are narrowed)" : "")
                    + (byMaximum ? $": maximum-paths {bgp.MaximumPaths} caps the ECMP set" : ": without multipath-relax only paths from the best path's neighbour AS qualify"),
                Objects = [.. list.Select(x => x.Router.Name).Distinct().Take(20)],
                Location = byMaximum ? bgp.LocationOf("maximum-paths") : bgp.LocationOf("multipath-relax"),
            };
        }
    }
}
