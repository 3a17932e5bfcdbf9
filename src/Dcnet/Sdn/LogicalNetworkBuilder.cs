using System.Globalization;
using System.Net;
using System.Runtime.CompilerServices;
using Dcnet.Design;
using Dcnet.Text;
using Dcnet.Topology;
using Dcnet.Wire;

namespace Dcnet.Sdn;

/// <summary>
/// Derives the OVN logical network from a resolved design, the way OVN-Kubernetes builds network policy: OVN has no
/// implicit deny, so "between groups: deny" becomes an explicit low-priority drop ACL on every app group's port group,
/// and every allow above it is an allow-related ACL (stateful, so replies pass). Layout, priorities and names are
/// documented in docs/sdn.md.
/// </summary>
public static class LogicalNetworkBuilder
{
    /// <summary>The default deny of each group (OVN-Kubernetes' DefaultDenyPriority).</summary>
    public const int DefaultDenyPriority = 1000;

    /// <summary>Within-group traffic, above the default deny and below every rule.</summary>
    public const int WithinGroupPriority = 1001;

    /// <summary>The last rule of policy.rules; earlier rules get higher priorities.</summary>
    public const int LowestRulePriority = 1002;

    /// <summary>The highest ACL priority OVN accepts.</summary>
    public const int MaxPriority = 32767;

    /// <summary>The MAC prefix of logical router ports (vNICs use 02:dc, <see cref="Resolver.VnicMacPrefix"/>).</summary>
    public const ushort RouterMacPrefix = 0x02dd;

    private static readonly ConditionalWeakTable<Network, LogicalNetwork> Cache = [];

    /// <summary>The logical network of <paramref name="network"/>, built once and shared by checks and commands.</summary>
    public static LogicalNetwork Of(Network network) => Cache.GetValue(network, Build);

    /// <summary>Builds the logical network. Throws <see cref="DesignException"/> when the rules cannot fit OVN's priority range.</summary>
    public static LogicalNetwork Build(Network network)
    {
        var b = new State(network);
        b.Switches();
        b.RouterAndExternal();
        b.GroupPortGroups();
        b.Acls();
        return b.Finish();
    }

    /// <summary>
    /// The logical network of <paramref name="network"/> with every ACL's action chosen by <paramref name="action"/> and
    /// NB_Global default_acl_drop set as given: the same ACLs as another platform default would render them (plain
    /// allow, allow-stateless). Tests prove the evaluator's semantics for those against ovn-trace.
    /// </summary>
    internal static LogicalNetwork WithActions(Network network, Func<Acl, AclAction> action, bool defaultAclDrop = false)
    {
        var model = Build(network);
        var acls = model.Acls.Select(a => new Acl
        {
            Index = a.Index,
            Name = a.Name,
            Owner = a.Owner,
            Direction = a.Direction,
            Priority = a.Priority,
            Match = a.Match,
            Action = action(a),
            Origin = a.Origin,
            MatchText = a.MatchText,
        }).ToList();
        model.Acls = acls;
        foreach (var pg in model.PortGroups)
        {
            pg.Acls = pg.Acls.Select(a => acls[a.Index]).ToList();
        }

        model.DefaultAclDrop = defaultAclDrop;
        return model;
    }

    /// <summary>The sides of a rule: app groups, every group ('*') or the outside ('external').</summary>
    internal readonly record struct Endpoints(bool External, bool Every, IReadOnlyList<AppGroup> Groups)
    {
        public static Endpoints Resolve(Network network, string text) => text switch
        {
            "external" => new(true, false, []),
            "*" => new(false, true, network.Groups),
            _ when Glob.IsGlob(text) => new(false, false, network.Groups.Where(g => Glob.Matches(text, g.Name)).ToList()),
            _ => new(false, false, network.FindGroup(text) is { } g ? [g] : []),
        };
    }

    private sealed class State(Network network)
    {
        private readonly LogicalNetwork model = new(network);
        private readonly List<LogicalSwitch> switches = [];
        private readonly List<LogicalSwitchPort> ports = [];
        private readonly List<List<LogicalSwitchPort>> switchPorts = [];
        private readonly List<PortGroup> portGroups = [];
        private readonly List<List<LogicalSwitchPort>> pgPorts = [];
        private readonly List<List<Acl>> pgAcls = [];
        private readonly List<AddressSet> addressSets = [];
        private readonly List<Acl> acls = [];
        private readonly HashSet<string> aclNames = new(StringComparer.Ordinal);
        private readonly Dictionary<Segment, LogicalSwitch> bySegment = [];
        private PortGroup? allVms;
        private readonly int[] vmNetworksSet = [-1, -1];

        public void Switches()
        {
            foreach (var s in network.Segments.Where(s => s.IsVmNetwork))
            {
                var ls = new LogicalSwitch { Index = switches.Count, Name = OvnNames.Switch(s.Name), Segment = s };
                switches.Add(ls);
                switchPorts.Add([]);
                bySegment[s] = ls;
            }

            // VM ports first, in vNIC order, so the port of vNIC i is Ports[i].
            foreach (var v in network.Vnics)
            {
                var ls = bySegment[v.Segment];
                string entry = string.Join(' ', new[] { v.Mac.ToString(), v.V4?.ToString(), v.V6?.ToString() }.Where(x => x is not null));
                AddPort(new LogicalSwitchPort
                {
                    Index = ports.Count,
                    Name = v.Name,
                    Switch = ls,
                    Type = LogicalPortType.Vif,
                    Vnic = v,
                    Mac = v.Mac,
                    V4 = v.V4,
                    V6 = v.V6,
                    Addresses = entry,
                    PortSecurity = entry,
                });
            }

            foreach (var ls in switches.Where(l => l.Segment!.Kind == NetworkKind.Localnet))
            {
                ls.LocalnetPort = AddLocalnet(ls, ls.Segment!.Name, ls.Segment.Vlan?.Value);
            }
        }

        private LogicalSwitchPort AddLocalnet(LogicalSwitch ls, string network, int? tag) => AddPort(new LogicalSwitchPort
        {
            Index = ports.Count,
            Name = OvnNames.LocalnetPort(network),
            Switch = ls,
            Type = LogicalPortType.Localnet,
            Addresses = "unknown",
            Options = [new("network_name", OvnNames.PhysicalNetwork)],
            Tag = tag,
        });

        private LogicalSwitchPort AddPort(LogicalSwitchPort p)
        {
            ports.Add(p);
            switchPorts[p.Switch.Index].Add(p);
            return p;
        }

        public void RouterAndExternal()
        {
            var attached = switches.Where(l => l.Segment!.Kind == NetworkKind.Overlay && (l.Segment.Ipv4 is not null || l.Segment.Ipv6 is not null)).ToList();
            if (attached.Count == 0)
            {
                return;
            }

            var router = new LogicalRouter { Name = OvnNames.Router(network.Design.Name) };
            var rports = new List<LogicalRouterPort>();
            foreach (var ls in attached)
            {
                var s = ls.Segment!;
                rports.Add(RouterPort(ls, s.Name, MacAddress.LocallyAdministered(RouterMacPrefix, (uint)(s.Index + 1)), s.Gateway4, s.Ipv4?.PrefixLength ?? 0, s.Gateway6, s.Ipv6?.PrefixLength ?? 0));
            }

            // The external switch: a localnet port to the physical network and the router's gateway port, named like a
            // network called 'external' (or 'external-N' when the design has a network of that name).
            string ext = "external";
            for (int n = 1; network.Segments.Any(s => s.Name == ext); n++)
            {
                ext = "external-" + n.ToString(CultureInfo.InvariantCulture);
            }

            var extSwitch = new LogicalSwitch { Index = switches.Count, Name = OvnNames.Switch(ext) };
            switches.Add(extSwitch);
            switchPorts.Add([]);
            extSwitch.LocalnetPort = AddLocalnet(extSwitch, ext, null);
            bool v4 = attached.Any(l => l.Segment!.Ipv4 is not null);
            bool v6 = attached.Any(l => l.Segment!.Ipv6 is not null);
            var transit4 = v4 ? FreePrefix(IPNetwork.Parse("100.64.0.0/10"), 29) : (IPNetwork?)null;
            var transit6 = v6 ? FreePrefix(IPNetwork.Parse("fd98::/16"), 64) : (IPNetwork?)null;
            var gw = RouterPort(extSwitch, ext, MacAddress.LocallyAdministered(RouterMacPrefix, 0xffff_ff00),
                transit4?.Nth(1), 29, transit6?.Nth(1), 64);
            rports.Add(gw);
            router.Ports = rports;
            router.GatewayPort = gw;

            var routes = new List<StaticRoute>();
            if (transit4 is { } t4)
            {
                routes.Add(new StaticRoute(IPNetwork.Parse("0.0.0.0/0"), t4.Nth(2)));
            }

            if (transit6 is { } t6)
            {
                routes.Add(new StaticRoute(IPNetwork.Parse("::/0"), t6.Nth(2)));
            }

            router.Routes = routes;

            // A network the fabric does not route reaches the outside only behind the gateway port's address (IPv4 SNAT;
            // there is no NAT66, so its IPv6 stays inside).
            router.Nat = attached
                .Where(l => !l.Routed && l.Segment!.Ipv4 is not null && transit4 is not null)
                .Select(l => new NatRule("snat", transit4!.Value.Nth(1), l.Segment!.Ipv4!.Value, l.Segment))
                .ToList();

            // OVN needs a gateway chassis for a distributed gateway port that does NAT; the hosts on the border leaves are
            // the ones with the uplink to the outside.
            var candidates = network.Hosts.Where(h => h.Leaves.Any(l => l.IsBorder)).Concat(network.Hosts).Distinct().Take(3);
            router.GatewayChassis = candidates.Select(h => h.Name).ToList();
            model.Router = router;
            model.External = extSwitch;
            model.ExternalTransit = new[] { transit4, transit6 }.Where(p => p is not null).Select(p => p!.Value).ToList();
        }

        private LogicalRouterPort RouterPort(LogicalSwitch ls, string network, MacAddress mac, IPAddress? v4, int v4Len, IPAddress? v6, int v6Len)
        {
            var lrp = new LogicalRouterPort
            {
                Name = OvnNames.RouterPort(network),
                Mac = mac,
                V4 = v4,
                V4Length = v4Len,
                V6 = v6,
                V6Length = v6Len,
                Switch = ls,
            };
            ls.RouterPort = AddPort(new LogicalSwitchPort
            {
                Index = ports.Count,
                Name = OvnNames.SwitchRouterPort(network),
                Switch = ls,
                Type = LogicalPortType.Router,
                Addresses = "router",
                Options = [new("router-port", lrp.Name)],
            });
            return lrp;
        }

        /// <summary>The first subnet of <paramref name="length"/> in <paramref name="pool"/> that overlaps nothing the design uses.</summary>
        private IPNetwork FreePrefix(IPNetwork pool, int length)
        {
            var f = network.Design.Fabric;
            var used = network.Segments.SelectMany(s => new[] { s.Ipv4, s.Ipv6 })
                .Concat([f.Ipv4P2p, f.Ipv6P2p, f.Ipv4Loopbacks, f.Ipv6Loopbacks])
                .Concat(network.Design.LoadBalancer?.Pools.SelectMany(p => p.Addresses).Select(p => (IPNetwork?)p) ?? [])
                .Where(p => p is not null).Select(p => p!.Value).ToList();
            for (UInt128 i = 0; i < 65536; i++)
            {
                var candidate = pool.Subnet(length, i);
                if (!used.Any(u => u.Overlaps(candidate)))
                {
                    return candidate;
                }
            }

            return pool.Subnet(length, 0);
        }

        public void GroupPortGroups()
        {
            var list = new List<PortGroup>(network.Groups.Count);
            foreach (var g in network.Groups)
            {
                var members = g.Vms.SelectMany(vm => vm.Vnics).Select(v => ports[v.Index]).ToList();
                list.Add(AddPortGroup(OvnNames.PortGroup(g.Name), "app group " + g.Name, [g], members));
            }

            model.GroupPortGroups = list;
        }

        private PortGroup AddPortGroup(string name, string purpose, IReadOnlyList<AppGroup> groups, List<LogicalSwitchPort> members)
        {
            var pg = new PortGroup { Index = portGroups.Count, Name = name, Purpose = purpose, Groups = groups };
            portGroups.Add(pg);
            pgPorts.Add(members);
            pgAcls.Add([]);
            return pg;
        }

        private PortGroup AllVms() => allVms ??= AddPortGroup(OvnNames.AllVmsPortGroup, "every VM (rules from or to '*')", network.Groups, [.. ports.Take(network.Vnics.Count)]);

        /// <summary>The port group a side of a rule attaches to, or whose derived address set names its addresses.</summary>
        private PortGroup SidePortGroup(Endpoints side, int ruleNumber, string role) =>
            side.Every ? AllVms()
            : side.Groups.Count == 1 ? model.GroupPortGroups[side.Groups[0].Index]
            : AddPortGroup(OvnNames.RulePortGroup(ruleNumber, role), $"rule {ruleNumber} {role} ({side.Groups.Count} groups)", side.Groups,
                side.Groups.SelectMany(g => pgPorts[model.GroupPortGroups[g.Index].Index]).ToList());

        private int VmNetworks(IpFamily family)
        {
            int f = (int)family;
            if (vmNetworksSet[f] < 0)
            {
                var prefixes = network.Segments.Where(s => s.IsVmNetwork)
                    .Select(s => family == IpFamily.Ipv4 ? s.Ipv4 : s.Ipv6)
                    .Where(p => p is not null).Select(p => p!.Value)
                    .OrderBy(p => p, Comparer<IPNetwork>.Create(IpMath.Compare)).ToList();
                vmNetworksSet[f] = addressSets.Count;
                addressSets.Add(new AddressSet
                {
                    Index = addressSets.Count,
                    Name = OvnNames.VmNetworksAddressSet(family),
                    Family = family,
                    Addresses = prefixes,
                    Purpose = "every VM network prefix: addresses outside are 'external'",
                });
            }

            return vmNetworksSet[f];
        }

        public void Acls()
        {
            var policy = network.Design.Policy;
            var families = new[] { IpFamily.Ipv4, IpFamily.Ipv6 }
                .Where(f => policy.Families.Contains(f) && network.Segments.Any(s => s.IsVmNetwork && (f == IpFamily.Ipv4 ? s.Ipv4 : s.Ipv6) is not null))
                .ToList();
            string between = Tokens.Of(policy.BetweenGroups), within = Tokens.Of(policy.WithinGroup);
            foreach (var g in network.Groups)
            {
                var pg = model.GroupPortGroups[g.Index];
                foreach (var f in families)
                {
                    var ip = f == IpFamily.Ipv4 ? IpMatch.Ip4 : IpMatch.Ip6;
                    if (policy.BetweenGroups != PolicyAction.Allow)
                    {
                        AddAcl(pg, g.Name + ":default-deny/" + Token(f), "g" + (g.Index + 1).ToString(CultureInfo.InvariantCulture) + ":default-deny/" + Token(f),
                            AclDirection.ToLport, DefaultDenyPriority,
                            new AclMatch { PortField = AclPortField.Outport, PortGroup = pg.Index, Ip = ip },
                            ActionOf(policy.BetweenGroups),
                            new AclOrigin(AclPurpose.DefaultDeny, -1, g, $"default deny (policy between-groups: {between})", policy.LocationOf("between-groups")));
                    }

                    if (policy.WithinGroup != policy.BetweenGroups)
                    {
                        AddAcl(pg, g.Name + ":within-group/" + Token(f), "g" + (g.Index + 1).ToString(CultureInfo.InvariantCulture) + ":within-group/" + Token(f),
                            AclDirection.ToLport, WithinGroupPriority,
                            new AclMatch { PortField = AclPortField.Outport, PortGroup = pg.Index, Ip = ip, Source = new AddressMatch(AddressTest.In, [AddressSetRef.OfPortGroup(pg.Index)]) },
                            ActionOf(policy.WithinGroup),
                            new AclOrigin(AclPurpose.WithinGroup, -1, g, $"within-group {within} (policy within-group: {within})", policy.LocationOf("within-group")));
                    }
                }
            }

            var priorities = RulePriorities(policy);
            for (int i = 0; i < policy.Rules.Count; i++)
            {
                var r = policy.Rules[i];
                int number = i + 1;
                var from = Endpoints.Resolve(network, r.From);
                var to = Endpoints.Resolve(network, r.To);
                var ruleFamilies = families.Where(f => r.Families.Contains(f)).ToList();
                if ((from.External && to.External) || ruleFamilies.Count == 0)
                {
                    continue;
                }

                bool egress = to.External;
                var owner = egress ? SidePortGroup(from, number, "src") : SidePortGroup(to, number, "dst");
                var ports = r.Ports.Select(p => PortRange.TryParse(p, out var range) ? range : PortRange.All).ToList();
                var portSet = ports.Count == 0 ? PortSet.All : PortSet.Of(ports);
                var protocol = r.Protocol switch
                {
                    PolicyProtocol.Tcp => L4Match.Tcp,
                    PolicyProtocol.Udp => L4Match.Udp,
                    PolicyProtocol.Icmp => L4Match.Icmp,
                    _ => L4Match.Any,
                };
                string label = r.Name ?? (r.From + "->" + r.To);
                string at = string.Create(CultureInfo.InvariantCulture, $"policy.rules[{i}]");
                foreach (var f in ruleFamilies)
                {
                    var ip = f == IpFamily.Ipv4 ? IpMatch.Ip4 : IpMatch.Ip6;
                    var match = new AclMatch
                    {
                        PortField = egress ? AclPortField.Inport : AclPortField.Outport,
                        PortGroup = owner.Index,
                        Ip = ip,
                        Source = egress ? AddressMatch.Any : SourceMatch(from, f, number),
                        Destination = egress ? new AddressMatch(AddressTest.NotIn, [AddressSetRef.OfAddressSet(VmNetworks(f))]) : AddressMatch.Any,
                        Protocol = protocol,
                        DestinationPorts = protocol is L4Match.Tcp or L4Match.Udp ? portSet : PortSet.All,
                    };
                    string name = "rule" + number.ToString(CultureInfo.InvariantCulture) + ":" + label + "/" + Token(f);
                    AddAcl(owner, name, "rule" + number.ToString(CultureInfo.InvariantCulture) + "/" + Token(f),
                        egress ? AclDirection.FromLport : AclDirection.ToLport, priorities[i], match, ActionOf(r.Action),
                        new AclOrigin(AclPurpose.Rule, i, null, $"rule '{label}' ({at})", r.Location));
                }
            }
        }

        private AddressMatch SourceMatch(Endpoints from, IpFamily f, int number)
        {
            if (from.External)
            {
                return new AddressMatch(AddressTest.NotIn, [AddressSetRef.OfAddressSet(VmNetworks(f))]);
            }

            if (from.Every)
            {
                return new AddressMatch(AddressTest.In, [AddressSetRef.OfPortGroup(AllVms().Index)]);
            }

            return new AddressMatch(AddressTest.In, from.Groups.Select(g => AddressSetRef.OfPortGroup(model.GroupPortGroups[g.Index].Index)).ToList());
        }

        /// <summary>
        /// One priority per rule, the first rule highest. When the rules outnumber OVN's priority range, consecutive rules
        /// with the same action share a priority (their order cannot change a verdict, only which of them is named).
        /// </summary>
        private static int[] RulePriorities(PolicyDesign policy)
        {
            int n = policy.Rules.Count;
            var result = new int[n];
            int room = MaxPriority - LowestRulePriority + 1;
            if (n <= room)
            {
                for (int i = 0; i < n; i++)
                {
                    result[i] = LowestRulePriority + (n - 1 - i);
                }

                return result;
            }

            int level = LowestRulePriority;
            for (int i = n - 1; i >= 0; i--)
            {
                if (i < n - 1 && policy.Rules[i].Action != policy.Rules[i + 1].Action)
                {
                    level++;
                }

                result[i] = level;
            }

            if (level > MaxPriority)
            {
                throw new DesignException(new DesignError(policy.LocationOf("rules"),
                    string.Create(CultureInfo.InvariantCulture, $"{n} rules alternate between actions {level - LowestRulePriority + 1} times; OVN ACL priorities stop at {MaxPriority}"),
                    "fewer rules, or rules grouped by action"));
            }

            return result;
        }

        private static AclAction ActionOf(PolicyAction a) => a switch
        {
            PolicyAction.Allow => AclAction.AllowRelated,
            PolicyAction.Reject => AclAction.Reject,
            _ => AclAction.Drop,
        };

        private static string Token(IpFamily f) => f == IpFamily.Ipv4 ? "ipv4" : "ipv6";

        private void AddAcl(PortGroup owner, string name, string fallback, AclDirection direction, int priority, AclMatch match, AclAction action, AclOrigin origin)
        {
            string n = OvnNames.AclName(name);
            if (!aclNames.Add(n))
            {
                n = OvnNames.AclName(fallback);
                for (int k = 2; !aclNames.Add(n); k++)
                {
                    n = OvnNames.AclName(fallback + "~" + k.ToString(CultureInfo.InvariantCulture));
                }
            }

            var acl = new Acl
            {
                Index = acls.Count,
                Name = n,
                Owner = owner,
                Direction = direction,
                Priority = priority,
                Match = match,
                Action = action,
                Origin = origin,
            };
            acls.Add(acl);
            pgAcls[owner.Index].Add(acl);
        }

        public LogicalNetwork Finish()
        {
            for (int i = 0; i < switches.Count; i++)
            {
                switches[i].Ports = switchPorts[i];
            }

            var memberships = ports.Select(_ => new List<int>()).ToList();
            for (int i = 0; i < portGroups.Count; i++)
            {
                var pg = portGroups[i];
                pg.Ports = pgPorts[i];
                pg.Acls = pgAcls[i];
                pg.Switches = pgPorts[i].Select(p => p.Switch).Distinct().OrderBy(s => s.Index).ToList();
                foreach (var p in pgPorts[i])
                {
                    memberships[p.Index].Add(i);
                }
            }

            for (int i = 0; i < ports.Count; i++)
            {
                ports[i].PortGroups = memberships[i];
            }

            model.Switches = switches;
            model.Ports = ports;
            model.PortGroups = portGroups;
            model.AddressSets = addressSets;
            model.Acls = acls;
            model.VnicPorts = ports.Take(network.Vnics.Count).ToList();
            foreach (var a in acls)
            {
                a.MatchText = a.Match.Render(model);
            }

            return model;
        }
    }
}
