using Dcnet.Design;
using Dcnet.Tests.Support;

namespace Dcnet.Tests.Design;

/// <summary>Every resource limit (docs/design-file.md, Limits) rejects with a positioned message naming the key, the value and the limit.</summary>
public class LimitsTests
{
    private static string Base(string hosts = "  - name: h\n    count: 1\n    nics: [{ name: eth0 }]\n") => "name: t\nplatform: linux\nhosts:\n" + hosts;

    [Fact]
    public void A_file_over_16_mib_is_rejected_before_it_is_read()
    {
        using var tmp = new TempDir();
        string path = Path.Combine(tmp.Path, "big.yaml");
        using (var fs = File.Create(path))
        {
            fs.SetLength(YamlTreeReader.MaxFileBytes + 1);
        }

        var e = Assert.Throws<DesignException>(() => DesignLoader.Load(path, "big.yaml"));
        Assert.Equal("big.yaml:1:1: the file is 16777217 bytes, over the limit of 16777216 bytes (expected a design file under 16 MiB; designs describe counts and patterns, not every VM)", e.Errors.Single().ToString());
    }

    [Fact]
    public void A_million_hosts_in_one_group_is_rejected_at_the_count() =>
        Assert.Equal(
            ["d.yaml:5:12: 'hosts[0].count' is 1000000, outside the allowed range (expected an integer from 1 to 20000; a design holds at most 20,000 hosts)"],
            Designs.Errors(Base("  - name: h\n    count: 1000000\n    nics: [{ name: eth0 }]\n"), "d.yaml"));

    [Fact]
    public void Host_groups_adding_up_past_the_limit_are_rejected_at_hosts()
    {
        string groups = string.Concat(Enumerable.Range(1, 3).Select(i => $"  - name: g{i}\n    count: 8000\n    nics: [{{ name: eth0 }}]\n"));
        Assert.Equal(
            ["d.yaml:4:3: the host groups add up to 24,000 hosts, over the limit of 20,000 (expected at most 20,000 hosts per design; model one availability zone per design)"],
            Designs.Errors(Base(groups), "d.yaml"));
    }

    [Fact]
    public void Ten_to_the_twelve_vms_are_rejected_at_the_key() =>
        Assert.Equal(
            ["d.yaml:8:8: 'workloads.vms' is 1000000000000, outside the allowed range (expected an integer from 0 to 2000000; a design holds at most 2,000,000 VMs)"],
            Designs.Errors(Base() + "workloads:\n  vms: 1000000000000\n", "d.yaml"));

    [Fact]
    public void Too_many_vnics_are_rejected_at_the_workloads()
    {
        string yaml = Base("  - name: h\n    count: 1\n    nics: [{ name: eth0 }]\n    bonds: [{ name: b, members: [eth0], carries: [vm, overlay, management] }]\n")
            + "networks:\n" + string.Concat(Enumerable.Range(0, 3).Select(i => $"  - {{ name: n{i}, kind: overlay }}\n"))
            + "workloads:\n  vms: 2000000\n  groups:\n    - { pattern: \"a-{n}\", count: 10, networks: [n0, n1, n2] }\n";
        Assert.Equal(
            ["d.yaml:13:3: the design holds about 6,000,030 vNICs, over the limit of 4,000,000 (expected at most 4,000,000 vNICs per design)"],
            Designs.Errors(yaml, "d.yaml"));
    }

    [Fact]
    public void Too_many_groups_are_rejected_at_the_count() =>
        Assert.Contains(
            "d.yaml:9:34: 'workloads.groups[0].count' is 200000, outside the allowed range (expected an integer from 1 to 100000; a design holds at most 100,000 app groups)",
            Designs.Errors(Base() + "workloads:\n  groups:\n    - { pattern: \"a-{n}\", count: 200000 }\n", "d.yaml"));

    [Fact]
    public void An_ipv6_network_shorter_than_a_48_is_rejected() =>
        Assert.Equal(
            ["d.yaml:8:40: network 'flat' is a /32: one L2 segment (one bridge, one broadcast domain) that large cannot fit a real host or switch (expected a /48 or longer; split the network)"],
            Designs.Errors(Base() + "networks:\n  - { name: flat, kind: overlay, ipv6: \"2001:db8::/32\" }\n", "d.yaml"));

    [Fact]
    public void A_list_over_its_maximum_is_rejected_at_the_list() =>
        Assert.Equal(
            ["d.yaml:5:13: 'fabric.families' has 3 items, over the limit of 2 (expected at most 2 items)"],
            Designs.Errors("name: t\nplatform: linux\nfabric:\n  spines: 1\n  families: [ipv4, ipv6, ipv4]\n" + Base()[("name: t\nplatform: linux\n").Length..], "d.yaml"));

    [Fact]
    public void Spines_and_leaves_beyond_a_three_stage_clos_are_rejected() =>
        Assert.Equal(
            [
                "d.yaml:4:11: 'fabric.spines' is 65, outside the allowed range (expected an integer from 1 to 64; a 3-stage Clos with more than 64 spines is out of scope)",
                "d.yaml:5:11: 'fabric.leaves' is 513, outside the allowed range (expected an integer from 1 to 512; a 3-stage Clos beyond 512 leaves needs a super-spine tier)",
            ],
            Designs.Errors("name: t\nplatform: linux\nfabric:\n  spines: 65\n  leaves: 513\n" + Base()[("name: t\nplatform: linux\n").Length..], "d.yaml"));
}
