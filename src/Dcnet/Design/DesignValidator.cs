using System.Globalization;
using System.Net;
using Dcnet.Sdn;
using Dcnet.Text;
using Dcnet.Topology;

namespace Dcnet.Design;

/// <summary>
/// Cross-field rules of the design file: names, references, prefixes and resource limits. Every rule adds a positioned
/// error; the loader stops after this stage if any were found. Facts about the network that the design
/// merely makes unwise (a subnet that is too small, a VLAN reused) are checks, not errors here.
/// </summary>
internal sealed class DesignValidator
{
    /// <summary>Most hosts one design may hold.</summary>
    public const int MaxHosts = 20_000;

    /// <summary>Most VMs one design may hold.</summary>
    public const long MaxVms = 2_000_000;

    /// <summary>Most vNICs one design may hold.</summary>
    public const long MaxVnics = 4_000_000;

    /// <summary>Shortest IPv4 prefix allowed on one L2 segment: a /16 is already 65,534 hosts in one broadcast domain.</summary>
    public const int MinSegmentPrefixV4 = 16;

    /// <summary>Shortest IPv6 prefix allowed on one L2 segment.</summary>
    public const int MinSegmentPrefixV6 = 48;

    private readonly DesignDocument d;
    private readonly List<DesignError> errors;

    private DesignValidator(DesignDocument design, List<DesignError> errors)
    {
        d = design;
        this.errors = errors;
    }

    public static void Validate(DesignDocument design, List<DesignError> errors) => new DesignValidator(design, errors).Run();

    private void Error(SourceLocation at, string message, string expected) => errors.Add(new DesignError(at, message, expected));

    private void Run()
    {
        if (string.IsNullOrWhiteSpace(d.Name) && d.Has("name"))
        {
            Error(d.LocationOf("name"), "'name' is empty", "a name for the data center");
        }

        Families(d.Fabric, "families", d.Fabric.Families);
        Families(d.Policy, "families", d.Policy.Families);
        Pools();
        MlagPairs();
        var networks = Networks();
        HostGroups(networks);
        Overlay(networks);
        Workloads(networks);
        Policy();
        Bgp();
        LoadBalancer(networks);
        TrafficProfile();
    }

    private void TrafficProfile()
    {
        var ns = d.TrafficProfile.NorthSouth;
        if (ns.PeerIpv4.AddressFamily != System.Net.Sockets.AddressFamily.InterNetwork)
        {
            Error(ns.LocationOf("peer-ipv4"), $"'peer-ipv4' is {ns.PeerIpv4}, not an IPv4 address", "an IPv4 address such as 203.0.113.10");
        }

        if (ns.PeerIpv6.AddressFamily != System.Net.Sockets.AddressFamily.InterNetworkV6)
        {
            Error(ns.LocationOf("peer-ipv6"), $"'peer-ipv6' is {ns.PeerIpv6}, not an IPv6 address", "an IPv6 address such as 2001:db8::10");
        }
    }

    private void Bgp()
    {
        var bfd = d.Fabric.Bgp.Bfd;
        if (bfd.Interval < TimeSpan.FromMilliseconds(10) || bfd.Interval > TimeSpan.FromMilliseconds(60000) || bfd.Interval.Ticks % TimeSpan.TicksPerMillisecond != 0)
        {
            Error(bfd.LocationOf("interval"), $"BFD interval {DurationText.Format(bfd.Interval)} is outside what FRR accepts", "whole milliseconds from 10ms to 60s (bfdd receive-interval/transmit-interval 10-60000)");
        }
    }

    private void Families(DesignNode owner, string key, IReadOnlyList<IpFamily> families)
    {
        if (families.Count == 0 && owner.Has(key))
        {
            Error(owner.LocationOf(key), $"'{key}' is empty", "ipv4, ipv6 or both");
        }

        if (families.Distinct().Count() != families.Count)
        {
            Error(owner.LocationOf(key), $"'{key}' lists a family twice", "each of ipv4, ipv6 at most once");
        }
    }

    private void Pools()
    {
        var f = d.Fabric;
        Family(f, "ipv4-p2p", f.Ipv4P2p, v4: true);
        Family(f, "ipv4-loopbacks", f.Ipv4Loopbacks, v4: true);
        Family(f, "ipv6-p2p", f.Ipv6P2p, v4: false);
        Family(f, "ipv6-loopbacks", f.Ipv6Loopbacks, v4: false);
        if (f.Asn.Leaves is { } explicitAsns && explicitAsns.Count != f.Leaves)
        {
            Error(f.Asn.LocationOf("leaves"), string.Create(CultureInfo.InvariantCulture, $"'fabric.asn.leaves' lists {explicitAsns.Count} ASNs for {f.Leaves} leaves"), "one AS number per leaf, in leaf order");
        }
    }

    private bool Family(DesignNode owner, string key, IPNetwork prefix, bool v4)
    {
        if (prefix.IsV4() != v4)
        {
            Error(owner.LocationOf(key), $"'{key}' is {prefix}, an {(v4 ? "IPv6" : "IPv4")} prefix", v4 ? "an IPv4 prefix" : "an IPv6 prefix");
            return false;
        }

        return true;
    }

    private void MlagPairs()
    {
        var f = d.Fabric;
        if (f.MlagPairs is null)
        {
            return;
        }

        var used = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < f.MlagPairs.Count; i++)
        {
            var pair = f.MlagPairs[i];
            var at = f.LocationOf(string.Create(CultureInfo.InvariantCulture, $"mlag-pairs[{i}]"));
            if (pair.Count != 2)
            {
                Error(at, string.Create(CultureInfo.InvariantCulture, $"an MLAG pair lists {pair.Count} leaves"), "exactly two leaf names");
                continue;
            }

            foreach (string leaf in pair)
            {
                if (Names.LeafIndex(leaf, f.Leaves) < 0)
                {
                    Error(at, $"MLAG pair names '{leaf}', which is not a leaf of this fabric", string.Create(CultureInfo.InvariantCulture, $"leaf-01 to {Names.Leaf(f.Leaves - 1)}"));
                }
                else if (!used.TryAdd(leaf, i))
                {
                    Error(at, $"'{leaf}' is in two MLAG pairs", "each leaf in at most one pair");
                }
            }

            if (pair[0] == pair[1])
            {
                Error(at, $"an MLAG pair lists '{pair[0]}' twice", "two different leaves");
            }
        }
    }

    private Dictionary<string, NetworkDesign> Networks()
    {
        var byName = new Dictionary<string, NetworkDesign>(StringComparer.Ordinal);
        var prefixes = new List<(IPNetwork Prefix, NetworkDesign Net, string Key)>();
        foreach (var n in d.Networks)
        {
            if (!Unique(byName, n.Name, n, "network"))
            {
                continue;
            }

            if (n.Kind is NetworkKind.Localnet or NetworkKind.HostVlan && n.Vlan is null)
            {
                Error(n.Location, $"network '{n.Name}' is {Token(n.Kind)} but has no 'vlan'", "a VLAN id from 1 to 4094");
            }

            if (n.Kind == NetworkKind.Overlay && n.Vlan is not null)
            {
                Error(n.LocationOf("vlan"), $"network '{n.Name}' is an overlay network and cannot have a VLAN", "no 'vlan' key, or kind localnet");
            }

            if (n.Ipv4 is { } v4 && Family(n, "ipv4", v4, v4: true))
            {
                SegmentSize(n, "ipv4", v4, MinSegmentPrefixV4);
                prefixes.Add((v4, n, "ipv4"));
                Gateway(n, "gateway4", n.Gateway4, v4);
            }

            if (n.Ipv6 is { } v6 && Family(n, "ipv6", v6, v4: false))
            {
                SegmentSize(n, "ipv6", v6, MinSegmentPrefixV6);
                prefixes.Add((v6, n, "ipv6"));
                Gateway(n, "gateway6", n.Gateway6, v6);
            }

            if (n.Gateway4 is not null && n.Ipv4 is null)
            {
                Error(n.LocationOf("gateway4"), $"network '{n.Name}' has 'gateway4' but no 'ipv4' prefix", "an 'ipv4' prefix that contains the gateway");
            }

            if (n.Gateway6 is not null && n.Ipv6 is null)
            {
                Error(n.LocationOf("gateway6"), $"network '{n.Name}' has 'gateway6' but no 'ipv6' prefix", "an 'ipv6' prefix that contains the gateway");
            }
        }

        // Overlapping network prefixes: report each later one against the first it overlaps.
        var sorted = prefixes.OrderBy(p => p.Prefix, Comparer<IPNetwork>.Create(IpMath.Compare)).ToList();
        int widest = -1; // the earlier prefix of the same family that reaches furthest
        for (int i = 0; i < sorted.Count; i++)
        {
            if (widest >= 0 && sorted[widest].Prefix.IsV4() != sorted[i].Prefix.IsV4())
            {
                widest = -1;
            }

            if (widest >= 0 && sorted[widest].Prefix.Last() >= sorted[i].Prefix.First())
            {
                var x = sorted[widest];
                var y = sorted[i];
                var (a, b) = y.Net.LocationOf(y.Key).Line >= x.Net.LocationOf(x.Key).Line ? (x, y) : (y, x);
                Error(b.Net.LocationOf(b.Key), $"network '{b.Net.Name}' prefix {b.Prefix} overlaps network '{a.Net.Name}' prefix {a.Prefix} (line {a.Net.LocationOf(a.Key).Line.ToString(CultureInfo.InvariantCulture)})", "a prefix that no other network uses");
            }

            if (widest < 0 || sorted[i].Prefix.Last() > sorted[widest].Prefix.Last())
            {
                widest = i;
            }
        }

        return byName;
    }

    private void SegmentSize(NetworkDesign n, string key, IPNetwork prefix, int minLength)
    {
        if (prefix.PrefixLength < minLength)
        {
            Error(n.LocationOf(key), string.Create(CultureInfo.InvariantCulture, $"network '{n.Name}' is a /{prefix.PrefixLength}: one L2 segment (one bridge, one broadcast domain) that large cannot fit a real host or switch"), string.Create(CultureInfo.InvariantCulture, $"a /{minLength} or longer; split the network"));
        }
    }

    private void Gateway(NetworkDesign n, string key, IPAddress? gateway, IPNetwork prefix)
    {
        if (gateway is not null && !prefix.Contains(gateway))
        {
            Error(n.LocationOf(key), $"gateway {gateway} of network '{n.Name}' is outside {prefix}", "an address inside the network's prefix");
        }
    }

    private void HostGroups(Dictionary<string, NetworkDesign> networks)
    {
        var groups = new Dictionary<string, HostGroupDesign>(StringComparer.Ordinal);
        long hosts = 0;
        foreach (var g in d.Hosts)
        {
            Unique(groups, g.Name, g, "host group");
            hosts += g.Count;
            var nics = new Dictionary<string, NicDesign>(StringComparer.Ordinal);
            foreach (var nic in g.Nics)
            {
                Unique(nics, nic.Name, nic, "NIC", $" in host group '{g.Name}'");
            }

            var bonds = new Dictionary<string, BondDesign>(StringComparer.Ordinal);
            var enslaved = new Dictionary<string, string>(StringComparer.Ordinal);
            var carriedBy = new Dictionary<TrafficClass, string>();
            foreach (var b in g.Bonds)
            {
                Unique(bonds, b.Name, b, "bond", $" in host group '{g.Name}'");
                if (nics.ContainsKey(b.Name))
                {
                    Error(b.LocationOf("name"), $"bond '{b.Name}' has the name of a NIC", "a name no NIC uses");
                }

                if (b.Members.Count == 0 && b.Has("members"))
                {
                    Error(b.LocationOf("members"), $"bond '{b.Name}' has no members", "at least one NIC name");
                }

                for (int i = 0; i < b.Members.Count; i++)
                {
                    string m = b.Members[i];
                    var at = b.LocationOf(string.Create(CultureInfo.InvariantCulture, $"members[{i}]"));
                    if (!nics.ContainsKey(m))
                    {
                        Undefined(at, m, "bond member", nics.Keys, $"a NIC of host group '{g.Name}'");
                    }
                    else if (!enslaved.TryAdd(m, b.Name))
                    {
                        Error(at, $"NIC '{m}' is a member of both '{enslaved[m]}' and '{b.Name}'", "each NIC in at most one bond");
                    }
                }

                for (int i = 0; i < b.Carries.Count; i++)
                {
                    if (!carriedBy.TryAdd(b.Carries[i], b.Name))
                    {
                        Error(b.LocationOf(string.Create(CultureInfo.InvariantCulture, $"carries[{i}]")), $"traffic '{Token(b.Carries[i])}' is carried by both '{carriedBy[b.Carries[i]]}' and '{b.Name}'", "each traffic class on one bond");
                    }
                }
            }

            foreach (var o in g.Overrides)
            {
                int index = Names.HostIndex(o.Host, g.Name, g.Count);
                if (index < 0)
                {
                    Error(o.LocationOf("host"), $"override names host '{o.Host}', which is not in host group '{g.Name}'", string.Create(CultureInfo.InvariantCulture, $"{Names.Host(g.Name, 0)} to {Names.Host(g.Name, g.Count - 1)}"));
                }

                if (!bonds.ContainsKey(o.Bond))
                {
                    Undefined(o.LocationOf("bond"), o.Bond, "bond", bonds.Keys, $"a bond of host group '{g.Name}'");
                }
            }
        }

        if (hosts > MaxHosts)
        {
            Error(d.LocationOf("hosts"), string.Create(CultureInfo.InvariantCulture, $"the host groups add up to {hosts:N0} hosts, over the limit of {MaxHosts:N0}"), "at most 20,000 hosts per design; model one availability zone per design");
        }

        if (d.Workloads.HostGroups is { } used)
        {
            for (int i = 0; i < used.Count; i++)
            {
                if (!groups.ContainsKey(used[i]))
                {
                    Undefined(d.Workloads.LocationOf(string.Create(CultureInfo.InvariantCulture, $"host-groups[{i}]")), used[i], "host group", groups.Keys, "a host group name");
                }
            }
        }

        if (d.LoadBalancer?.Speakers is string speakers && !groups.ContainsKey(speakers))
        {
            Undefined(d.LoadBalancer.LocationOf("speakers"), speakers, "host group", groups.Keys, "a host group name");
        }
    }

    private void Overlay(Dictionary<string, NetworkDesign> networks)
    {
        if (d.Overlay.TunnelNetwork is string t && !networks.ContainsKey(t))
        {
            Undefined(d.Overlay.LocationOf("tunnel-network"), t, "network", networks.Keys, "a network name");
        }
    }

    private void Workloads(Dictionary<string, NetworkDesign> networks)
    {
        var w = d.Workloads;
        var names = new Dictionary<string, SourceLocation>(StringComparer.Ordinal);
        long explicitVms = 0;
        long generatedGroups = 0;
        long fixedGeneratedVms = 0;
        long vnics = 0;
        foreach (var g in w.Groups)
        {
            bool isExplicit = g.Name is not null;
            bool isGenerated = g.Pattern is not null || g.Count is not null;
            if (isExplicit == isGenerated)
            {
                Error(g.Location, isExplicit ? "a group has both 'name' and 'pattern'/'count'" : "a group has neither 'name' nor 'pattern' and 'count'", "either 'name' (one explicit group) or 'pattern' with 'count' (generated groups)");
                continue;
            }

            int nicsPerVm = g.Networks.Count + (g.NetworksRoundRobin.Count > 0 ? 1 : 0);
            if (isExplicit)
            {
                if (g.Vms is null)
                {
                    Error(g.Location, $"explicit group '{g.Name}' has no 'vms'", "the number of VMs in the group");
                }

                explicitVms += g.Vms ?? 0;
                vnics += (long)(g.Vms ?? 0) * nicsPerVm;
                if (g.VmsPerGroup is not null)
                {
                    Error(g.LocationOf("vms-per-group"), $"'vms-per-group' is for generated groups; group '{g.Name}' is explicit", "'vms' for an explicit group");
                }

                if (g.NetworksRoundRobin.Count > 0)
                {
                    Error(g.LocationOf("networks-round-robin"), $"'networks-round-robin' is for generated groups; group '{g.Name}' is explicit", "'networks' for an explicit group");
                }

                AddName(g.Name!, g.LocationOf("name"));
            }
            else
            {
                if (g.Pattern is null || g.Count is null)
                {
                    Error(g.Location, "a generated group needs both 'pattern' and 'count'", "'pattern' such as app-{n:03} and 'count'");
                    continue;
                }

                if (!GroupPattern.TryParse(g.Pattern, out var pattern, out string? problem))
                {
                    Error(g.LocationOf("pattern"), $"pattern '{g.Pattern}' {problem}", "a name with {n} or {n:03} in it, such as app-{n:03}");
                    continue;
                }

                if (g.Vms is not null)
                {
                    Error(g.LocationOf("vms"), "'vms' is for explicit groups", "'vms-per-group', or workloads.vms to share out");
                }

                generatedGroups += g.Count.Value;
                if (g.VmsPerGroup is int per)
                {
                    fixedGeneratedVms += (long)per * g.Count.Value;
                    vnics += (long)per * g.Count.Value * nicsPerVm;
                }

                // Checking every generated name for clashes is linear in the count, which the range already bounds.
                for (int i = 0; i < g.Count.Value; i++)
                {
                    AddName(pattern.Format(i + 1), g.LocationOf("pattern"));
                }
            }

            for (int i = 0; i < g.Networks.Count; i++)
            {
                NetworkRef(g, "networks", i, g.Networks[i], networks);
            }

            for (int i = 0; i < g.NetworksRoundRobin.Count; i++)
            {
                NetworkRef(g, "networks-round-robin", i, g.NetworksRoundRobin[i], networks);
            }

            var all = g.Networks.Concat(g.NetworksRoundRobin).ToList();
            if (all.Distinct(StringComparer.Ordinal).Count() != all.Count)
            {
                Error(g.LocationOf("networks"), "a group lists the same network twice", "each network once per group");
            }
        }

        long total = w.Vms ?? (explicitVms + fixedGeneratedVms);
        if (w.Vms is int declared && explicitVms + fixedGeneratedVms > declared)
        {
            Error(w.LocationOf("vms"), string.Create(CultureInfo.InvariantCulture, $"workloads.vms is {declared}, but the groups already hold {explicitVms + fixedGeneratedVms}"), "workloads.vms at least the sum of the groups' VMs");
        }

        if (w.Vms is int && w.Vms > explicitVms + fixedGeneratedVms && generatedGroups == 0 && w.Groups.Count > 0)
        {
            Error(w.LocationOf("vms"), string.Create(CultureInfo.InvariantCulture, $"workloads.vms is {w.Vms}, but the explicit groups hold {explicitVms} and there is no generated group to take the rest"), "workloads.vms equal to the sum of the groups, or a generated group");
        }

        if (w.Vms is > 0 && w.Groups.Count == 0)
        {
            Error(w.LocationOf("vms"), "workloads.vms is set but there are no groups to hold the VMs", "at least one entry under workloads.groups");
        }

        if (total > MaxVms)
        {
            Error(w.Location, string.Create(CultureInfo.InvariantCulture, $"the design holds {total:N0} VMs, over the limit of {MaxVms:N0}"), "at most 2,000,000 VMs per design");
        }

        if (w.Vms is int v && generatedGroups > 0)
        {
            long sharePerGroup = (v - explicitVms - fixedGeneratedVms) / generatedGroups;
            foreach (var g in w.Groups.Where(g => g.Pattern is not null && g.VmsPerGroup is null && g.Count is not null))
            {
                vnics += (sharePerGroup + 1) * g.Count!.Value * (g.Networks.Count + (g.NetworksRoundRobin.Count > 0 ? 1 : 0));
            }
        }

        if (vnics > MaxVnics)
        {
            Error(w.Location, string.Create(CultureInfo.InvariantCulture, $"the design holds about {vnics:N0} vNICs, over the limit of {MaxVnics:N0}"), "at most 4,000,000 vNICs per design");
        }

        void AddName(string name, SourceLocation at)
        {
            if (!names.TryAdd(name, at))
            {
                Error(at, $"group name '{name}' is used twice (first at line {names[name].Line.ToString(CultureInfo.InvariantCulture)})", "unique group names");
            }
        }
    }

    private void NetworkRef(GroupDesign g, string key, int i, string name, Dictionary<string, NetworkDesign> networks)
    {
        var at = g.LocationOf(string.Create(CultureInfo.InvariantCulture, $"{key}[{i}]"));
        if (!networks.TryGetValue(name, out var n))
        {
            Undefined(at, name, "network", networks.Keys, "a network name");
        }
        else if (n.Kind == NetworkKind.HostVlan)
        {
            Error(at, $"network '{name}' is a host VLAN; VMs attach to overlay or localnet networks", "an overlay or localnet network");
        }
    }

    private void Policy()
    {
        var groupNames = new List<string>();
        foreach (var g in d.Workloads.Groups)
        {
            if (g.Name is not null)
            {
                groupNames.Add(g.Name);
            }
            else if (g.Pattern is not null && g.Count is int c && GroupPattern.TryParse(g.Pattern, out var p, out _))
            {
                for (int i = 1; i <= c; i++)
                {
                    groupNames.Add(p.Format(i));
                }
            }
        }

        var set = new HashSet<string>(groupNames, StringComparer.Ordinal);
        foreach (var r in d.Policy.Rules)
        {
            GroupRef(r, "from", r.From, set, groupNames);
            GroupRef(r, "to", r.To, set, groupNames);
            if (r.Ports.Count > 0 && r.Protocol is not (PolicyProtocol.Tcp or PolicyProtocol.Udp))
            {
                Error(r.LocationOf("ports"), $"a rule with protocol '{Token(r.Protocol)}' cannot name ports", "protocol tcp or udp, or no ports");
            }

            for (int i = 0; i < r.Ports.Count; i++)
            {
                if (!PortRange.TryParse(r.Ports[i], out _))
                {
                    Error(r.LocationOf(string.Create(CultureInfo.InvariantCulture, $"ports[{i}]")), $"'{r.Ports[i]}' is not a port or port range", "a port from 1 to 65535 or a range such as 8000-8100");
                }
            }

            Families(r, "families", r.Families);
        }
    }

    private void GroupRef(PolicyRuleDesign r, string key, string value, HashSet<string> names, List<string> all)
    {
        if (value is "*" or "external" || names.Contains(value))
        {
            return;
        }

        if (Glob.IsGlob(value))
        {
            if (!all.Any(n => Glob.Matches(value, n)))
            {
                Error(r.LocationOf(key), $"pattern '{value}' matches no group", "a group name, a glob that matches one, '*' or 'external'");
            }

            return;
        }

        Undefined(r.LocationOf(key), value, "group", names, "a group name, a glob, '*' or 'external'");
    }

    private void LoadBalancer(Dictionary<string, NetworkDesign> networks)
    {
        if (d.LoadBalancer is not { } lb)
        {
            return;
        }

        if (lb.PeerNetwork is string peer)
        {
            if (!networks.TryGetValue(peer, out var n))
            {
                Undefined(lb.LocationOf("peer-network"), peer, "network", networks.Keys, "a host network name");
            }
            else if (n.Kind != NetworkKind.HostVlan)
            {
                Error(lb.LocationOf("peer-network"), $"network '{peer}' is a {Token(n.Kind)} network; speakers peer from a host interface", "a host-vlan network");
            }
        }

        if (lb.HoldTime is { } hold && (hold < TimeSpan.Zero || hold > TimeSpan.FromSeconds(65535) || hold.Ticks % TimeSpan.TicksPerSecond != 0))
        {
            Error(lb.LocationOf("hold-time"), $"hold-time {DurationText.Format(hold)} is not a whole number of seconds from 0 to 65535", "whole seconds, such as 9s or 90s (RFC 4271 carries seconds)");
        }
        else if (lb.HoldTime is { } h && h > TimeSpan.Zero && h < TimeSpan.FromSeconds(3))
        {
            Error(lb.LocationOf("hold-time"), $"hold-time {DurationText.Format(h)} is refused by every BGP speaker (RFC 4271 §4.2: the hold time is 0 or at least 3 seconds)", "0s (no keepalives) or 3s and more");
        }

        if (lb.KeepaliveTime is { } ka && (ka < TimeSpan.Zero || ka > TimeSpan.FromSeconds(65535) || ka.Ticks % TimeSpan.TicksPerSecond != 0))
        {
            Error(lb.LocationOf("keepalive-time"), $"keepalive-time {DurationText.Format(ka)} is not a whole number of seconds from 0 to 65535", "whole seconds, such as 3s or 30s");
        }

        var names = new Dictionary<string, VipPoolDesign>(StringComparer.Ordinal);
        foreach (var p in lb.Pools)
        {
            Unique(names, p.Name, p, "VIP pool");
            if (p.Addresses.Count == 0)
            {
                Error(p.LocationOf("addresses"), $"VIP pool '{p.Name}' has no addresses", "at least one prefix");
            }
        }
    }

    private bool Unique<T>(Dictionary<string, T> seen, string name, T node, string what, string scope = "")
        where T : DesignNode
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            return false;
        }

        if (seen.TryGetValue(name, out var first))
        {
            var at = first.LocationOf("name");
            Error(node.LocationOf("name"), string.Create(CultureInfo.InvariantCulture, $"{what} '{name}' is defined twice{scope} (first at line {at.Line}, column {at.Column})"), $"a unique {what} name");
            return false;
        }

        seen[name] = node;
        return true;
    }

    private void Undefined(SourceLocation at, string name, string what, IEnumerable<string> known, string expected)
    {
        string? guess = Suggest.Closest(name, known);
        Error(at, $"undefined {what} '{name}'" + (guess is null ? "" : $"; did you mean '{guess}'?"), expected);
    }

    private static string Token<TEnum>(TEnum value)
        where TEnum : struct, Enum => DesignBinder.EnumTokens.Of(typeof(TEnum)).ToToken[value];
}
