using System.Globalization;
using System.Text;
using Dcnet.Checks;
using Dcnet.Design;
using Dcnet.Platforms.Ovn;
using Dcnet.Sdn;
using Dcnet.Tests.Support;
using Dcnet.Topology;
using FsCheck.Xunit;

namespace Dcnet.Tests.Sdn;

/// <summary>The logical model, the OVN script, and the segmentation audit with its findings.</summary>
public class SegmentationTests
{
    [Fact]
    public void Lab_small_gets_a_switch_per_network_a_port_per_vnic_and_a_port_group_per_app_group()
    {
        var net = Designs.Example("lab-small.yaml");
        var m = LogicalNetworkBuilder.Build(net);
        Assert.Equal(["ls-frontend", "ls-backend", "ls-external"], m.Switches.Select(s => s.Name));
        Assert.Equal(net.Vnics.Count, m.VnicPorts.Count);
        var p = m.VnicPorts[0];
        Assert.Equal("vm-web-0001/eth0", p.Name);
        Assert.Equal("02:dc:00:00:00:01 10.1.0.11 fd00:1::b", p.Addresses);
        Assert.Equal(p.Addresses, p.PortSecurity);
        Assert.Equal(["pg_web", "pg_api", "pg_db", "pg_cache"], m.PortGroups.Select(g => g.Name));
        Assert.Equal("lr-lab-small", m.Router!.Name);
        Assert.Equal(["10.1.0.1/24", "fd00:1::1/64"], m.Router.Ports[0].Networks);
        Assert.Equal(["100.64.0.1/29", "fd98::1/64"], m.Router.GatewayPort!.Networks);

        // 4 groups x 2 families x (default deny + within) + 3 rules x 2 families.
        Assert.Equal(22, m.Acls.Count);
        Assert.Equal(["api:default-deny/ipv4", "api:within-group/ipv4", "rule1:web-to-api/ipv4"],
            m.PortGroups[1].Acls.Where(a => a.Match.Ip == IpMatch.Ip4).Select(a => a.Name).Order(StringComparer.Ordinal));
        Assert.Equal("outport == @pg_api && ip4 && ip4.src == $pg_web_ip4 && tcp && tcp.dst == 8080", m.Acls.First(a => a.Name == "rule1:web-to-api/ipv4").MatchText);
    }

    [Fact]
    public void Earlier_rules_get_higher_priorities_above_the_defaults()
    {
        var m = LogicalNetworkBuilder.Build(SdnFixtures.Interop());
        var rules = m.Acls.Where(a => a.Origin.Purpose == AclPurpose.Rule).GroupBy(a => a.Origin.RuleIndex).OrderBy(g => g.Key).Select(g => g.First().Priority).ToList();
        Assert.Equal(rules.OrderDescending(), rules);
        Assert.Equal(LogicalNetworkBuilder.LowestRulePriority, rules[^1]);
        Assert.Contains(m.Acls, a => a.MatchText == "outport == @pg_api && ip4 && ip4.src == $pg_web_ip4 && tcp && (tcp.dst == 8080 || (tcp.dst >= 8443 && tcp.dst <= 8445))");
        Assert.Contains(m.PortGroups, g => g.Name == "dcnet_rule8_dst" && g.Groups.Select(x => x.Name).SequenceEqual(["web", "db"]));
        Assert.Single(m.Router!.Nat);
        Assert.Equal("ln-vlan300", m.Switches.First(s => s.Name == "ls-vlan300").LocalnetPort!.Name);
    }

    [Fact]
    public void The_ovn_script_for_lab_small_is_golden()
    {
        var m = LogicalNetworkBuilder.Build(Designs.Example("lab-small.yaml"));
        Golden.Assert("tests/Dcnet.Tests/Sdn/Golden/ovn-nb-lab-small.sh", OvnRenderer.Script(m));
    }

    [Fact]
    public void The_script_packs_commands_into_invocations_under_the_argument_limit()
    {
        string yaml = DesignGenerator.Generate(new GeneratorOptions { Vms = 2000, Hosts = 20, Groups = 100, Rules = 3000 });
        var m = LogicalNetworkBuilder.Build(Resolver.Resolve(DesignLoader.Parse(yaml)));
        string script = OvnRenderer.Script(m);
        var invocations = script.Split("\novn-nbctl --no-wait", StringSplitOptions.None).Skip(1).ToList();
        Assert.True(invocations.Count >= 2, "expected several invocations");
        Assert.True(invocations.Count < 20, $"{invocations.Count} invocations");
        Assert.All(invocations, inv => Assert.True(Encoding.UTF8.GetByteCount(inv) < OvnRenderer.ArgumentBudget, "an invocation exceeds the budget"));
        Assert.Equal(m.Acls.Count, CountOf(script, " create ACL "));
    }

    private static int CountOf(string text, string what) => (text.Length - text.Replace(what, "", StringComparison.Ordinal).Length) / what.Length;

    [Fact]
    public void Dc_5000_implements_its_intent_exactly()
    {
        var a = SegmentationAudit.Of(Designs.Example("dc-5000.yaml"));
        Assert.Empty(a.Findings);
        var c = a.Cell(a.EndpointCount - 1, 0, IpFamily.Ipv4);
        Assert.True(c.Applicable);
        var web = Designs.Example("dc-5000.yaml").FindGroup("legacy-web")!.Index;
        Assert.Equal("tcp 443", a.Cell(a.External, web, IpFamily.Ipv6).Allowed.ToString());
        Assert.Equal("all", a.Cell(web, web, IpFamily.Ipv4).Allowed.ToString());
    }

    [Fact]
    public void The_leaky_example_is_flagged_for_open_ipv6_nat_shadowing_and_a_dead_rule()
    {
        var report = CheckReport.Run(Repo.Path("examples", "segmentation-leaky.yaml"), "examples/segmentation-leaky.yaml");
        var sdn = report.Findings.Where(f => f.Rule.Foundation == Foundation.Sdn).ToList();
        Assert.Contains(sdn, f => f.Id == "SDN001" && f.Message.StartsWith("IPv6 is not segmented", StringComparison.Ordinal) && f.Location.Line == 49);
        Assert.Contains(sdn, f => f.Id == "SDN001" && f.Message.Contains("rule5:monitoring-in/ipv4", StringComparison.Ordinal) && f.Message.Contains("SNAT", StringComparison.Ordinal));
        Assert.Contains(sdn, f => f.Id == "SDN002" && f.Message.Contains("batch-to-legacy", StringComparison.Ordinal));
        Assert.Contains(sdn, f => f.Id == "SDN003" && f.Message.Contains("IPv6 is left open", StringComparison.Ordinal));
        Assert.Contains(sdn, f => f.Id == "SDN004" && f.Message.Contains("'api-to-db-5432'", StringComparison.Ordinal) && f.Message.Contains("'api-to-db' (policy.rules[1])", StringComparison.Ordinal));
        Assert.Contains(sdn, f => f.Id == "SDN005" && f.Message.Contains("reporting", StringComparison.Ordinal));
        Assert.Equal(1, report.ExitCode(Severity.Error));
    }

    [Fact]
    public void A_rule_for_one_family_only_is_an_asymmetry_attributed_to_that_rule()
    {
        var net = SdnFixtures.WithPolicy("""
              rules:
                - { name: v4-only, from: web, to: db, protocol: tcp, ports: ["5432"], families: [ipv4] }
            """);
        var f = Assert.Single(SegmentationAudit.Of(net).Findings);
        Assert.Equal("SDN003", f.Id);
        Assert.Contains("rule 'v4-only' (policy.rules[0]) names IPv4 only", f.Message, StringComparison.Ordinal);
        Assert.Contains("(tcp 5432)", f.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_rule_whose_network_has_no_path_is_a_block()
    {
        var net = SdnFixtures.WithPolicy("""
              rules:
                - { name: to-island, from: web, to: island, protocol: tcp, ports: ["22"] }
            """, extraNetworks: "  - { name: isolated, kind: localnet, vlan: 99, ipv4: 10.9.0.0/24, routed: false }",
            groups: "    - { name: island, vms: 1, networks: [isolated] }");
        var f = Assert.Single(SegmentationAudit.Of(net).Findings, x => x.Id == "SDN002");
        Assert.Contains("has no path", f.Message, StringComparison.Ordinal);
        Assert.Contains("the fabric does not route network 'isolated'", f.Message, StringComparison.Ordinal);
    }

    /// <summary>A random small design: 1-3 networks (overlay or VLAN, routed or not, one or two families), 2-5 groups of
    /// 0-3 VMs, 0-6 rules of every kind, random defaults and enforced families.</summary>
    internal static string RandomDesign(int seed)
    {
        var r = new Random(seed);
        var sb = new StringBuilder();
        sb.Append("name: prop\nplatform: ove\nhosts:\n  - name: h\n    count: 2\n    nics: [{ name: eth0 }]\n    bonds:\n      - { name: bond0, members: [eth0], carries: [management, vm, overlay] }\n");
        sb.Append("networks:\n  - { name: mgmt, kind: host-vlan, role: management, vlan: 10, ipv4: 192.168.0.0/24 }\n");
        int nets = r.Next(1, 4);
        for (int i = 0; i < nets; i++)
        {
            bool localnet = r.Next(3) == 0;
            int fam = r.Next(4); // 0 both, 1 v4, 2 v6, 3 both
            string v4 = fam == 2 ? "" : $", ipv4: 10.{i + 1}.0.0/24";
            string v6 = fam == 1 ? "" : $", ipv6: \"fd00:{i + 1}::/64\"";
            string kind = localnet ? $"kind: localnet, vlan: {100 + i}" : "kind: overlay";
            sb.Append(CultureInfo.InvariantCulture, $"  - {{ name: n{i}, {kind}{v4}{v6}, routed: {(r.Next(4) == 0 ? "false" : "true")} }}\n");
        }

        sb.Append("workloads:\n  groups:\n");
        int groups = r.Next(2, 6);
        for (int g = 0; g < groups; g++)
        {
            var mine = Enumerable.Range(0, nets).Where(_ => r.Next(2) == 0).Select(n => "n" + n.ToString(CultureInfo.InvariantCulture)).ToList();
            if (mine.Count == 0)
            {
                mine.Add("n" + r.Next(nets).ToString(CultureInfo.InvariantCulture));
            }

            sb.Append(CultureInfo.InvariantCulture, $"    - {{ name: g{g}, vms: {r.Next(0, 4)}, networks: [{string.Join(", ", mine)}] }}\n");
        }

        string[] actions = ["allow", "deny", "reject"];
        sb.Append(CultureInfo.InvariantCulture, $"policy:\n  within-group: {actions[r.Next(3)]}\n  between-groups: {actions[r.Next(3)]}\n");
        sb.Append("  families: ").Append(r.Next(3) switch { 0 => "[ipv4]", 1 => "[ipv6]", _ => "[ipv4, ipv6]" }).Append('\n');
        int rules = r.Next(0, 7);
        if (rules > 0)
        {
            sb.Append("  rules:\n");
        }

        string End() => r.Next(6) switch
        {
            0 => "external",
            1 => "\"*\"",
            2 => "\"g*\"",
            _ => "g" + r.Next(groups).ToString(CultureInfo.InvariantCulture),
        };
        for (int i = 0; i < rules; i++)
        {
            string proto = r.Next(4) switch { 0 => "tcp", 1 => "udp", 2 => "icmp", _ => "any" };
            string ports = proto is "tcp" or "udp" && r.Next(3) > 0 ? $", ports: [\"{r.Next(1, 100)}-{r.Next(100, 200)}\", \"{r.Next(1, 300)}\"]" : "";
            string fams = r.Next(3) == 0 ? ", families: [ipv4]" : r.Next(4) == 0 ? ", families: [ipv6]" : "";
            sb.Append(CultureInfo.InvariantCulture, $"    - {{ from: {End()}, to: {End()}, protocol: {proto}{ports}{fams}, action: {actions[r.Next(3)]} }}\n");
        }

        return sb.ToString();
    }

    /// <summary>The header-space matrix equals what the per-packet evaluator says for every real VM pair and probe.</summary>
    [Property(MaxTest = 60)]
    public void The_interval_analysis_agrees_with_the_per_pair_evaluator(int seed)
    {
        var model = LogicalNetworkBuilder.Build(Resolver.Resolve(DesignLoader.Parse(RandomDesign(seed), "prop.yaml")));
        var fast = SegmentationAudit.Run(model);
        var slow = SegmentationAudit.ByPairs(model);
        var (tcp, udp) = (fast.TcpPortClasses, fast.UdpPortClasses);
        foreach (var ((s, d, f), space) in slow)
        {
            var cell = fast.Cell(s, d, f);
            foreach (var r in tcp)
            {
                Assert.True(cell.Allowed.Tcp.Contains(r.First) == space.Tcp.Contains(r.First), $"seed {seed}: {fast.EndpointName(s)} -> {fast.EndpointName(d)} {f} tcp {r.First}: fast {cell.Allowed}, slow {space}\n{RandomDesign(seed)}");
            }

            foreach (var r in udp)
            {
                Assert.True(cell.Allowed.Udp.Contains(r.Last) == space.Udp.Contains(r.Last), $"seed {seed}: {fast.EndpointName(s)} -> {fast.EndpointName(d)} {f} udp {r.Last}: fast {cell.Allowed}, slow {space}\n{RandomDesign(seed)}");
            }

            Assert.True(cell.Allowed.Icmp == space.Icmp && cell.Allowed.Other == space.Other, $"seed {seed}: {fast.EndpointName(s)} -> {fast.EndpointName(d)} {f}: fast {cell.Allowed}, slow {space}\n{RandomDesign(seed)}");
        }
    }
}
