using Dcnet.Checks;
using Dcnet.Tests.Support;

namespace Dcnet.Tests.Checks;

/// <summary>The first checks, each on a design that sets up exactly its mistake.</summary>
public class FoundationChecksTests
{
    private static IReadOnlyList<Finding> Check(string yaml) => CheckReport.Run(Designs.Parse(yaml, "d.yaml")).Findings;

    [Theory]
    [InlineData("dc-5000.yaml")]
    [InlineData("lab-small.yaml")]
    public void Examples_have_no_errors(string example) =>
        Assert.DoesNotContain(CheckReport.Run(Repo.Path("examples", example)).Findings, f => f.Severity == Severity.Error);

    [Fact]
    public void A_subnet_too_small_for_its_vms_is_an_error_with_the_arithmetic()
    {
        var f = Assert.Single(Check(Designs.Minimal.Replace("ipv4: 10.1.0.0/24", "ipv4: 10.1.0.0/29", StringComparison.Ordinal)), x => x.Id == "ADDR001");
        Assert.Equal(Severity.Error, f.Severity);
        Assert.Equal("d.yaml:11:42", f.Location.ToString());
        Assert.Equal("network 'tenant' 10.1.0.0/29: 4 vNICs need IPv4 addresses, capacity is 6 usable - 1 gateway - 9 reserved = 0; 4 get no address", f.Message);
        Assert.Equal("Use a /27 or shorter for 'tenant', or move groups to another network.", f.FixText);
    }

    [Fact]
    public void A_subnet_without_headroom_is_a_warning()
    {
        // A /28: 14 usable - 1 gateway - 9 reserved = 4 addresses for 4 VMs is 100 %, over the 80 % that 20 % headroom allows.
        var findings = Check(Designs.Minimal.Replace("ipv4: 10.1.0.0/24", "ipv4: 10.1.0.0/28", StringComparison.Ordinal));
        var f = Assert.Single(findings, x => x.Id == "ADDR001");
        Assert.Contains("100.0% of IPv4 capacity", f.Message, StringComparison.Ordinal);
        Assert.Equal(Severity.Warning, f.Severity);
    }

    [Fact]
    public void A_vip_pool_overlapping_a_host_network_is_an_overlap_error()
    {
        string yaml = Designs.Minimal + "\nload-balancer:\n  pools:\n    - { name: vips, addresses: [10.0.0.128/25] }\n";
        var f = Assert.Single(Check(yaml), x => x.Id == "ADDR002");
        Assert.Equal("VIP pool 'vips' 10.0.0.128/25 overlaps network 'mgmt' 10.0.0.0/24", f.Message);
        Assert.Equal("d.yaml:17:33", f.Location.ToString());
    }

    [Fact]
    public void A_dns_server_on_a_host_address_is_an_overlap_error()
    {
        string yaml = Designs.Minimal + "\ndns:\n  servers: [10.0.0.11]\n";
        var f = Assert.Single(Check(yaml), x => x.Id == "ADDR002");
        Assert.Equal("DNS server 10.0.0.11 is also the address of h-001/bond0.10", f.Message);
        Assert.Equal("d.yaml:16:13", f.Location.ToString());
    }

    [Fact]
    public void A_vlan_used_by_two_networks_is_reported_at_the_second()
    {
        string yaml = Designs.Minimal.Replace("  - { name: tenant", "  - { name: other, kind: host-vlan, role: storage, vlan: 10 }\n  - { name: tenant", StringComparison.Ordinal);
        var f = Assert.Single(Check(yaml), x => x.Id == "VLAN001");
        Assert.Equal("VLAN 10 is used by network 'other' and by network 'mgmt' (line 10)", f.Message);
        Assert.Equal("d.yaml:11:58", f.Location.ToString());
    }

    [Fact]
    public void A_duplicate_leaf_asn_under_a_per_leaf_plan_is_an_error()
    {
        string yaml = Designs.Minimal.Replace("platform: linux", "platform: linux\nfabric:\n  leaves: 3\n  asn: { leaves: [65001, 65002, 65001] }", StringComparison.Ordinal);
        var f = Assert.Single(Check(yaml), x => x.Id == "BGP001");
        Assert.Equal("leaf-03 has AS 65001, already used by leaf-01; with leaf-scheme per-leaf and no allowas-in each drops the other's prefixes (the AS path of leaf-01's 10.0.0.0/24 holds AS 65001, so leaf-03 drops it, and 1 more)", f.Message);
        Assert.Equal("d.yaml:5:33", f.Location.ToString());
    }

    [Fact]
    public void A_host_group_on_a_missing_leaf_is_reported_where_the_leaf_is_named()
    {
        string yaml = Designs.Minimal.Replace("    count: 2", "    count: 2\n    leaves: [leaf-01, leaf-07]", StringComparison.Ordinal);
        var f = Assert.Single(Check(yaml), x => x.Id == "FAB001");
        Assert.Equal("host group 'h' is placed on 'leaf-07', but the fabric has 4 leaves (leaf-01 to leaf-04)", f.Message);
        Assert.Equal("d.yaml:6:23", f.Location.ToString());
    }

    [Fact]
    public void Findings_come_in_foundation_order_then_worst_first()
    {
        string yaml = Designs.Minimal.Replace("ipv4: 10.1.0.0/24", "ipv4: 10.1.0.0/28", StringComparison.Ordinal)
            .Replace("  - { name: tenant", "  - { name: other, kind: host-vlan, role: storage, vlan: 10 }\n  - { name: tenant", StringComparison.Ordinal);
        var ids = Check(yaml).Select(f => f.Id).ToList();
        Assert.Equal(["ADDR001", "VLAN001", "MTU004"], ids);
    }
}
