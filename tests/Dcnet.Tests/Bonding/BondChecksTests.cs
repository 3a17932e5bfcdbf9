using Dcnet.Checks;
using Dcnet.Tests.Support;
using Dcnet.Topology;

namespace Dcnet.Tests.Bonding;

/// <summary>Each bonding rule fires on the design that breaks it, with its numbers, and stays quiet otherwise.</summary>
public class BondChecksTests
{
    private static IReadOnlyList<Finding> Bond(string rule, string bond, bool mlag = true, string platform = "ove", string nics = "", string group = "", string top = "", int members = 2) =>
        CheckRegistry.Run(BondDesigns.Resolve(bond, mlag, platform, nics, group, top, members)).Where(f => f.Id == rule).ToList();

    private static Finding One(string rule, string bond, bool mlag = true, string platform = "ove", string nics = "", string group = "", string top = "", int members = 2) =>
        Assert.Single(Bond(rule, bond, mlag, platform, nics, group, top, members));

    [Fact]
    public void The_examples_raise_no_bonding_errors_or_warnings()
    {
        foreach (string example in new[] { "dc-5000.yaml", "lab-small.yaml" })
        {
            Assert.DoesNotContain(CheckRegistry.Run(Designs.Example(example)), f => f.Rule.Foundation == Foundation.Bonding && f.Severity >= Severity.Warning);
        }
    }

    [Fact]
    public void Lacp_on_two_leaves_that_are_not_an_mlag_pair_is_an_error_with_the_lost_bandwidth()
    {
        var f = One("BOND001", "mode: 802.3ad, xmit-hash-policy: layer3+4", mlag: false);
        Assert.Equal(Severity.Error, f.Severity);
        Assert.Contains("8 hosts have members on leaves that are not an MLAG pair", f.Message, StringComparison.Ordinal);
        Assert.Contains("forms 2 aggregators and transmits on 1 of 2 members: 25G of 50G", f.Message, StringComparison.Ordinal);
        Assert.Equal(10, f.Location.Line);
        Assert.Empty(Bond("BOND001", "mode: 802.3ad, xmit-hash-policy: layer3+4", mlag: true));
    }

    [Fact]
    public void A_static_lag_mode_across_unpaired_leaves_is_an_error()
    {
        Assert.Equal(Severity.Error, One("BOND010", "mode: balance-xor", mlag: false).Severity);
        Assert.Empty(Bond("BOND010", "mode: active-backup", mlag: false));
    }

    [Theory]
    [InlineData("balance-alb", "dynamic-arp-inspection: true", "dynamic ARP inspection")]
    [InlineData("balance-tlb", "port-security: true", "port security")]
    public void Alb_and_tlb_warn_when_the_leaves_enforce_first_hop_security(string mode, string ports, string what)
    {
        var f = One("BOND002", $"mode: {mode}", group: $"switch-ports: {{ {ports} }}");
        Assert.Equal(Severity.Warning, f.Severity);
        Assert.Contains("sends from 2 member MACs", f.Message, StringComparison.Ordinal);
        Assert.EndsWith("while the leaves enforce " + what, f.Message, StringComparison.Ordinal);
        Assert.Empty(Bond("BOND002", $"mode: {mode}"));
        Assert.Empty(Bond("BOND002", "mode: 802.3ad", group: $"switch-ports: {{ {ports} }}"));
    }

    [Fact]
    public void A_layer2_hash_on_a_vm_bond_warns_with_the_designs_own_imbalance()
    {
        var f = One("BOND003", "mode: 802.3ad, xmit-hash-policy: layer2");
        Assert.Matches("imbalance [0-9.]+, mean over 8 host\\(s\\)", f.Message);
        Assert.Contains("with layer3+4 the same flows would go", f.Message, StringComparison.Ordinal);
        Assert.Empty(Bond("BOND003", "mode: 802.3ad, xmit-hash-policy: layer3+4"));
        Assert.Empty(Bond("BOND003", "mode: active-backup, xmit-hash-policy: layer2"));
    }

    [Fact]
    public void A_member_mtu_different_from_the_bonds_is_an_error()
    {
        var f = One("BOND004", "mode: 802.3ad, mtu: 9000", nics: ", mtu: 1500");
        Assert.Contains("ens1f0 MTU 1500", f.Message, StringComparison.Ordinal);
        Assert.Contains("MTU 9000", f.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_vlan_above_the_bond_mtu_is_an_error()
    {
        var findings = Bond("BOND004", "mode: 802.3ad, mtu: 1500");
        Assert.Equal(["management", "migration", "storage"], findings.Select(f => f.Message.Split("host VLAN ")[1].Split(' ')[0]).Order(StringComparer.Ordinal));
        Assert.All(findings, f => Assert.Contains("has MTU 9000, above the bond's 1500 on 8 host(s)", f.Message, StringComparison.Ordinal));
    }

    [Fact]
    public void Balance_rr_across_two_switches_warns_about_reordering()
    {
        var f = One("BOND005", "mode: balance-rr");
        Assert.Contains("sprays each flow over 2 members on leaf-01 and leaf-02", f.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_single_migration_stream_above_one_members_speed_is_reported_with_the_copy_time()
    {
        var f = One("BOND006", "mode: 802.3ad, xmit-hash-policy: layer3+4");
        Assert.Equal(Severity.Info, f.Severity);
        Assert.Contains("wants 50G, but 802.3ad keeps it on one 25G member: 25G of the bond's 50G", f.Message, StringComparison.Ordinal);
        Assert.Contains("16 GiB VM once takes 5.5 s instead of 2.7 s", f.Message, StringComparison.Ordinal);
        Assert.Empty(Bond("BOND006", "mode: 802.3ad", top: "traffic-profile: { live-migration: { rate: 20G } }"));
    }

    [Fact]
    public void Slow_lacp_on_a_storage_bond_warns_with_the_90_second_figure()
    {
        var f = One("BOND007", "mode: 802.3ad, lacp-rate: slow");
        Assert.Contains("only after 90 s (3 x 30 s LACPDU period)", f.Message, StringComparison.Ordinal);
        Assert.Empty(Bond("BOND007", "mode: 802.3ad, lacp-rate: fast"));
    }

    [Fact]
    public void Tunnels_without_entropy_on_a_layer3_4_bond_warn_with_the_one_member_per_peer_figures()
    {
        string yaml = BondDesigns.Yaml("mode: 802.3ad, xmit-hash-policy: layer3+4").Replace("overlay: { type: geneve,", "overlay: { type: geneve, source-port-entropy: false,", StringComparison.Ordinal);
        var f = Assert.Single(CheckRegistry.Run(Resolver.Resolve(Dcnet.Design.DesignLoader.Parse(yaml, "bonds.yaml"))), x => x.Id == "BOND008");
        Assert.Contains("the tunnel source port carries no entropy (overlay.source-port-entropy: false)", f.Message, StringComparison.Ordinal);
        Assert.Contains("each peer's traffic on a single member", f.Message, StringComparison.Ordinal);
        Assert.Empty(Bond("BOND008", "mode: 802.3ad, xmit-hash-policy: layer3+4"));
        Assert.Empty(Bond("BOND008", "mode: 802.3ad, xmit-hash-policy: layer2+3"));
    }

    [Fact]
    public void A_bond_without_link_monitoring_is_an_error()
    {
        Assert.Equal(Severity.Error, One("BOND009", "mode: 802.3ad, miimon: 0s").Severity);
        Assert.Empty(Bond("BOND009", "mode: active-backup, miimon: 0s, arp-interval: 1s, arp-ip-targets: [10.0.0.1]"));
    }

    [Fact]
    public void A_gateway_host_name_that_matches_no_host_is_an_error_at_its_position()
    {
        var n = Resolver.Resolve(Dcnet.Design.DesignLoader.Parse(BondDesigns.Yaml("mode: 802.3ad").Replace("overlay: { type: geneve,", "overlay: { type: geneve, gateway-hosts: [edge-01],", StringComparison.Ordinal), "bonds.yaml"));
        var f = Assert.Single(CheckRegistry.Run(n), x => x.Id == "BOND011");
        Assert.Contains("'edge-01'", f.Message, StringComparison.Ordinal);
        Assert.Equal("bonds.yaml", f.Location.File);
    }
}
