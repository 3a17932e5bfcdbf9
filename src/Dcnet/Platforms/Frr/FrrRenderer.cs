using System.Globalization;
using System.Text;
using Dcnet.Bgp;
using Dcnet.Design;
using Dcnet.Topology;

namespace Dcnet.Platforms.Frr;

/// <summary>
/// FRR 8.4 configuration for every spine, leaf and load-balancer speaker: one integrated <c>frr.conf</c> per device
/// (load it with <c>vtysh -b</c> or <c>vtysh -f</c>) and the <c>daemons</c> lines it needs. The renderer writes what
/// the BGP model decided, neighbour by neighbour; it decides nothing itself.
/// </summary>
/// <remarks>
/// Every eBGP neighbour gets an inbound and an outbound route-map in every family it activates, so the
/// configuration exchanges routes under both profiles (FRR's traditional profile enables bgp ebgp-requires-policy).
/// Neighbours are activated per family explicitly (<c>no bgp default ipv4-unicast</c>), except unnumbered ones,
/// which carry IPv4 over their IPv6 link-local session (RFC 8950) and are activated in both families.
/// </remarks>
public sealed class FrrRenderer : IRenderer
{
    public string Target => "frr";

    public string Description => "FRR 8.4 frr.conf per spine, leaf and speaker host (BGP, BFD, prefix-lists, route-maps)";

    public IReadOnlyList<RenderedFile> Render(Network network)
    {
        var model = BgpModel.Build(network);
        var files = new List<RenderedFile>();
        foreach (var r in model.Routers)
        {
            files.Add(new RenderedFile(r.Name + "/frr.conf", Config(model, r)));
            files.Add(new RenderedFile(r.Name + "/daemons", Daemons(r)));
        }

        return files;
    }

    private static string I(long v) => v.ToString(CultureInfo.InvariantCulture);

    private static bool UsesBfd(BgpRouter r) => r.Neighbors.Any(n => n.Bfd is not null);

    /// <summary>The lines of FRR's /etc/frr/daemons this device needs (zebra always runs).</summary>
    public static string Daemons(BgpRouter r) =>
        $"# {r.Name}: FRR daemons, rendered by dcnet. zebra and staticd always run.\nbgpd=yes\nbfdd={(UsesBfd(r) ? "yes" : "no")}\n";

    /// <summary>The BFD profile name dcnet renders for a set of timers.</summary>
    public static string BfdProfile(BfdTimers t) => "dcnet-" + I((long)t.Interval.TotalMilliseconds) + "x" + I(t.Multiplier);

    /// <summary>The integrated configuration of one router.</summary>
    public static string Config(BgpModel model, BgpRouter r)
    {
        var sb = new StringBuilder();
        void L(string line) => sb.Append(line).Append('\n');
        var families = new[] { IpFamily.Ipv4, IpFamily.Ipv6 }.Where(f => r.Neighbors.Any(n => n.Families.Contains(f)) || r.Networks(f).Count > 0).ToList();

        L($"! {r.Name} ({Role(r)}), rendered by dcnet from {model.Network.Design.SourcePath}. FRR 8.4.");
        L("frr version 8.4.4");
        L("frr defaults " + (r.Profile == BgpProfile.Datacenter ? "datacenter" : "traditional"));
        L("hostname " + r.Name);
        L("service integrated-vtysh-config");
        L("!");
        foreach (string line in ExpectedInterfaces(model, r))
        {
            L("! " + line);
        }

        L("!");

        // Prefix-lists: our own networks, then the shared sets the route-maps use.
        var sets = new SortedDictionary<string, PrefixSet>(StringComparer.Ordinal);
        foreach (var n in r.Neighbors)
        {
            foreach (var f in n.Families)
            {
                foreach (var filter in new[] { n.Import(f), n.Export(f) })
                {
                    if (filter.Set is { } s)
                    {
                        sets[s.Name] = s;
                    }
                }
            }
        }

        foreach (var f in families)
        {
            string kw = f == IpFamily.Ipv4 ? "ip" : "ipv6";
            int seq = 5;
            foreach (var p in r.Networks(f))
            {
                L($"{kw} prefix-list {LocalList(f)} seq {I(seq)} permit {p}");
                seq += 5;
            }
        }

        foreach (var s in sets.Values)
        {
            string kw = s.Family == IpFamily.Ipv4 ? "ip" : "ipv6";
            int seq = 5;
            foreach (var rule in s.Rules)
            {
                L($"{kw} prefix-list {s.Name} seq {I(seq)} permit {rule}");
                seq += 5;
            }
        }

        L("!");

        // Route-maps, each once.
        var maps = new SortedDictionary<string, (RouteFilter Filter, IpFamily Family)>(StringComparer.Ordinal);
        foreach (var n in r.Neighbors)
        {
            foreach (var f in n.Families)
            {
                maps.TryAdd(n.Import(f).Name, (n.Import(f), f));
                maps.TryAdd(n.Export(f).Name, (n.Export(f), f));
            }
        }

        foreach (var (name, (filter, f)) in maps)
        {
            string match = f == IpFamily.Ipv4 ? " match ip address prefix-list " : " match ipv6 address prefix-list ";
            var entries = new List<(string Action, string? List)>();
            switch (filter.Action)
            {
                case FilterAction.PermitAll:
                    entries.Add(("permit", null));
                    break;
                case FilterAction.DenyAll:
                    entries.Add(("deny", null));
                    break;
                default:
                    if (filter.PermitOwnNetworks && r.Networks(f).Count > 0)
                    {
                        entries.Add(("permit", LocalList(f)));
                    }

                    if (filter.Set is { } s)
                    {
                        entries.Add(("permit", s.Name));
                    }

                    if (entries.Count == 0)
                    {
                        entries.Add(("deny", null));
                    }

                    break;
            }

            for (int i = 0; i < entries.Count; i++)
            {
                L($"route-map {name} {entries[i].Action} {I(10 * (i + 1))}");
                if (entries[i].List is { } list)
                {
                    L(match + list);
                }

                L("exit");
            }

            L("!");
        }

        L("router bgp " + r.Asn);
        L(" bgp router-id " + r.RouterId);
        L(" no bgp default ipv4-unicast");
        if (r.Role == DeviceRole.Host)
        {
            // Speakers announce VIPs that live in kube-proxy/OVN, not in the host's routing table (as MetalLB's FRR does).
            L(" no bgp network import-check");
        }

        if (r.MultipathRelax)
        {
            L(" bgp bestpath as-path multipath-relax");
        }

        if (r.CompareRouterId)
        {
            L(" bgp bestpath compare-routerid");
        }

        var profileTimers = BgpTimers.Of(r.Profile);
        foreach (var n in r.Neighbors)
        {
            string t = n.Target;
            L(n.Unnumbered ? $" neighbor {t} interface remote-as {n.RemoteAs}" : $" neighbor {t} remote-as {n.RemoteAs}");
            L($" neighbor {t} description {n.PeerName}");
            if (n.Timers != profileTimers)
            {
                L($" neighbor {t} timers {I((long)n.Timers.Keepalive.TotalSeconds)} {I((long)n.Timers.Hold.TotalSeconds)}");
            }

            if (n.Bfd is { } bfd)
            {
                L($" neighbor {t} bfd profile {BfdProfile(bfd)}");
            }
        }

        foreach (var f in families)
        {
            L(" !");
            L(" address-family " + (f == IpFamily.Ipv4 ? "ipv4" : "ipv6") + " unicast");
            foreach (var p in r.Networks(f))
            {
                L("  network " + p);
            }

            foreach (var n in r.Neighbors.Where(n => n.Families.Contains(f)))
            {
                L($"  neighbor {n.Target} activate");
                L($"  neighbor {n.Target} route-map {n.Import(f).Name} in");
                L($"  neighbor {n.Target} route-map {n.Export(f).Name} out");
                if (n.AllowAsIn > 0)
                {
                    L($"  neighbor {n.Target} allowas-in {I(n.AllowAsIn)}");
                }
            }

            if (r.MaximumPaths != BgpModel.FrrDefaultMaximumPaths)
            {
                L("  maximum-paths " + I(r.MaximumPaths));
            }

            L(" exit-address-family");
        }

        L("exit");
        L("!");

        var profiles = r.Neighbors.Where(n => n.Bfd is not null).Select(n => n.Bfd!.Value).Distinct().OrderBy(b => b.Interval).ThenBy(b => b.Multiplier).ToList();
        if (profiles.Count > 0)
        {
            L("bfd");
            foreach (var b in profiles)
            {
                L(" profile " + BfdProfile(b));
                L("  detect-multiplier " + I(b.Multiplier));
                L("  receive-interval " + I((long)b.Interval.TotalMilliseconds));
                L("  transmit-interval " + I((long)b.Interval.TotalMilliseconds));
                L(" exit");
                L(" !");
            }

            L("exit");
            L("!");
        }

        return sb.ToString();
    }

    /// <summary>What the device's own network configuration must provide for this file to work (FRR does not create it).</summary>
    public static IReadOnlyList<string> ExpectedInterfaces(BgpModel model, BgpRouter r)
    {
        var lines = new List<string> { "interfaces and addresses this configuration expects (set by the device's network configuration):" };
        if (r.Device is Switch sw)
        {
            lines.Add("  lo " + string.Join(" ", r.Networks(IpFamily.Ipv4).Concat(r.Networks(IpFamily.Ipv6)).Where(p => p.PrefixLength == p.Bits() && (p.BaseAddress.Equals(sw.LoopbackV4) || p.BaseAddress.Equals(sw.LoopbackV6)))));
        }

        foreach (var g in r.Neighbors.GroupBy(n => n.Interface).OrderBy(g => Order(r, g.Key)))
        {
            var addresses = g.Select(n => n.LocalAddress is { } a ? a + "/" + I(Length(n, a)) : null).OfType<string>().Distinct().ToList();
            string what = g.First().Unnumbered ? "up, IPv6 link-local only (BGP unnumbered)" : string.Join(" ", addresses);
            lines.Add($"  {g.Key} {what}");
        }

        if (r.Device is Switch leaf && leaf.Role == DeviceRole.Leaf)
        {
            foreach (var s in BgpModel.OriginatedSegments(leaf, model.Network))
            {
                lines.Add($"  {BgpModel.SviName(s)} connected {string.Join(" ", new[] { s.Ipv4?.ToString(), s.Ipv6?.ToString() }.OfType<string>())} (gateway {string.Join(" ", new[] { s.Gateway4?.ToString(), s.Gateway6?.ToString() }.OfType<string>())}) for the network statements");
            }
        }

        return lines;
    }

    private static int Order(BgpRouter r, string iface)
    {
        for (int i = 0; i < r.Neighbors.Count; i++)
        {
            if (r.Neighbors[i].Interface == iface)
            {
                return i;
            }
        }

        return int.MaxValue;
    }

    private static int Length(BgpNeighbor n, System.Net.IPAddress a) =>
        n.Link is { } link ? (a.IsV4() ? link.PrefixV4!.Value.PrefixLength : link.PrefixV6!.Value.PrefixLength)
        : n.Segment is { } s ? (a.IsV4() ? s.Ipv4!.Value.PrefixLength : s.Ipv6!.Value.PrefixLength)
        : a.IsV4() ? 32 : 128;

    private static string LocalList(IpFamily f) => f == IpFamily.Ipv4 ? "LOCAL-V4" : "LOCAL-V6";

    private static string Role(BgpRouter r) => r.Role switch
    {
        DeviceRole.Spine => "spine",
        DeviceRole.Leaf => "leaf",
        _ => "load-balancer speaker",
    };
}
