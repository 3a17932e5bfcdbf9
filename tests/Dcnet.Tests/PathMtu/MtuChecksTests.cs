using Dcnet.Checks;
using Dcnet.Design;
using Dcnet.PathMtu;
using Dcnet.Tests.Support;

namespace Dcnet.Tests.PathMtu;

public class MtuChecksTests
{
    private static readonly Lazy<IReadOnlyList<Finding>> Pitfalls = new(() => CheckReport.Run(Repo.Path("examples", "dc-5000-pitfalls.yaml"), "examples/dc-5000-pitfalls.yaml").Findings);

    [Theory]
    [InlineData(OverlayType.Geneve, IpFamily.Ipv4, 8, 58)]
    [InlineData(OverlayType.Geneve, IpFamily.Ipv4, 0, 50)]
    [InlineData(OverlayType.Vxlan, IpFamily.Ipv4, 0, 50)]
    [InlineData(OverlayType.Vxlan, IpFamily.Ipv6, 0, 70)]
    [InlineData(OverlayType.Geneve, IpFamily.Ipv6, 8, 78)]
    public void Encapsulation_overhead_counts_inner_ethernet_outer_ip_udp_and_tunnel_header(OverlayType type, IpFamily family, int options, int expected) =>
        Assert.Equal(expected, Overhead.Encapsulation(type, family, options));

    [Fact]
    public void Geneve_over_a_1500_tunnel_network_is_an_error_per_vm_network_with_the_arithmetic()
    {
        var f = Pitfalls.Value.Where(x => x.Id == "MTU001").ToList();
        Assert.Equal(8, f.Count);
        Assert.StartsWith("network 'vm-01' has MTU 1500, but GENEVE over the 1500-byte underlay (control-001/bond0.10 on 'management') leaves 1500 - 58 = 1442 (inner Ethernet 14 + outer IPv4 20 + UDP 8 + GENEVE 8 + options 8 = 58); 619 VMs", f[0].Message, StringComparison.Ordinal);
        Assert.Equal("examples/dc-5000-pitfalls.yaml:79:88", f[0].Location.ToString());
    }

    [Fact]
    public void Fabric_links_must_carry_stretched_jumbo_vlans_plus_the_evpn_vxlan_overhead()
    {
        var f = Assert.Single(Pitfalls.Value, x => x.Id == "MTU002");
        Assert.Contains("9000 + 50 (inner Ethernet 14 + outer IPv4 20 + UDP 8 + VXLAN 8) = 9050 bytes", f.Message, StringComparison.Ordinal);
        Assert.Equal("examples/dc-5000-pitfalls.yaml:19:13", f.Location.ToString());
    }

    [Fact]
    public void Storage_without_jumbo_frames_shows_the_1_gib_arithmetic()
    {
        var f = Assert.Single(Pitfalls.Value, x => x.Id == "MTU004");
        // MSS 1460: ceil(2^30 / 1460) = 735,440 packets; MSS 8960: 119,838.
        Assert.Contains("1 GiB takes 735,440 packets", f.Message, StringComparison.Ordinal);
        Assert.Contains("against 119,838 packets", f.Message, StringComparison.Ordinal);
        Assert.Equal((735_440, 735_440L * 78), MtuChecks.BulkCost(1500));
    }

    [Fact]
    public void Filtered_icmp_where_mtus_step_down_is_a_black_hole_warning()
    {
        var f = Assert.Single(Pitfalls.Value, x => x.Id == "MTU005");
        Assert.Equal(Severity.Warning, f.Severity);
        Assert.Equal("examples/dc-5000-pitfalls.yaml:33:7", f.Location.ToString());
    }

    [Fact]
    public void A_host_with_a_smaller_mtu_on_one_network_is_inconsistent_and_its_vlan_is_above_its_bond()
    {
        string yaml = Designs.Minimal.Replace("vlan: 10, ipv4: 10.0.0.0/24 }", "vlan: 10, ipv4: 10.0.0.0/24, mtu: 9000 }", StringComparison.Ordinal)
            .Replace("carries: [management, vm, overlay] }", "carries: [management, vm, overlay], mtu: 9000 }\n    overrides: [{ host: h-002, bond: bond0, mtu: 1500 }]", StringComparison.Ordinal);
        var f = CheckReport.Run(Designs.Parse(yaml, "d.yaml")).Findings.Where(x => x.Id == "MTU003").ToList();
        Assert.Contains(CheckReport.Run(Designs.Parse(yaml, "d.yaml")).Findings, x => x.Id == "BOND004" && x.Message.Contains("host VLAN mgmt (vlan 10) has MTU 9000, above the bond's 1500", StringComparison.Ordinal));
        Assert.Contains(f, x => x.Message.StartsWith("network 'mgmt' mixes MTUs on one L2 segment: 1 hosts at 9000, 1 hosts at 1500 (h-002/bond0.10)", StringComparison.Ordinal));
    }

    [Fact]
    public void The_seed_scenario_has_no_mtu_findings() =>
        Assert.DoesNotContain(CheckReport.Run(Repo.Path("examples", "dc-5000.yaml")).Findings, f => f.Rule.Foundation == Foundation.Mtu);
}
