using Dcnet.Checks;
using Dcnet.Tests.Support;

namespace Dcnet.Tests.Vlans;

public class VlanChecksTests
{
    private static IReadOnlyList<Finding> Check(string yaml) => CheckReport.Run(Designs.Parse(yaml, "d.yaml")).Findings;

    [Fact]
    public void One_host_missing_a_vlan_loses_it_for_every_vm_that_migrates_there()
    {
        var f = CheckReport.Run(Repo.Path("examples", "dc-5000-pitfalls.yaml"), "p.yaml").Findings.Single(x => x.Id == "VLAN002");
        Assert.Equal("worker-017/bond0 does not trunk VLAN 200 ('vlan200'): 40 VMs of cluster 'worker' on that network lose it when they live-migrate to worker-017 (vm-legacy-db-0001, vm-legacy-db-0002, vm-legacy-db-0003, ...)", f.Message);
        Assert.Equal("p.yaml:66:57", f.Location.ToString());
    }

    [Fact]
    public void A_host_vlan_missing_from_a_bond_that_carries_its_traffic_is_an_error()
    {
        string yaml = Designs.Minimal.Replace("carries: [management, vm, overlay] }", "carries: [management, vm, overlay] }\n    overrides: [{ host: h-002, bond: bond0, remove-vlans: [10] }]", StringComparison.Ordinal);
        var f = Assert.Single(Check(yaml), x => x.Id == "VLAN002");
        Assert.Equal("h-002/bond0 carries management traffic but does not trunk VLAN 10 ('mgmt'): h-002 has no management network", f.Message);
        Assert.Equal("d.yaml:9:60", f.Location.ToString());
    }

    [Fact]
    public void A_native_vlan_mismatch_between_host_and_switch_is_an_error()
    {
        string yaml = Designs.Minimal.Replace("carries: [management, vm, overlay] }", "carries: [management, vm, overlay], native-vlan: 10 }\n    overrides: [{ host: h-001, bond: bond0, switch-native-vlan: 99 }]", StringComparison.Ordinal);
        var f = Assert.Single(Check(yaml), x => x.Id == "VLAN003");
        Assert.Equal("h-001/bond0 sends VLAN 10 untagged, but its switch ports treat untagged frames as VLAN 99", f.Message);
    }

    [Fact]
    public void More_vlan_networks_than_802_1q_allows_must_be_overlay()
    {
        var nets = string.Concat(Enumerable.Range(0, 4095).Select(i => $"  - {{ name: n{i}, kind: host-vlan, role: storage, vlan: {1 + (i % 4094)} }}\n"));
        var f = Check("name: t\nplatform: linux\nhosts: [{ name: h, count: 1, nics: [{ name: eth0 }] }]\nnetworks:\n" + nets).Where(x => x.Id == "VLAN004").ToList();
        Assert.Equal("4,095 VLAN-backed networks, but 802.1Q has 4,094 usable ids: at least 1 must be overlay networks", Assert.Single(f).Message);
    }

    [Fact]
    public void Vlan_1_is_a_warning() =>
        Assert.Equal(Severity.Warning, Assert.Single(Check(Designs.Minimal.Replace("vlan: 10", "vlan: 1", StringComparison.Ordinal)), x => x.Id == "VLAN005").Severity);
}
