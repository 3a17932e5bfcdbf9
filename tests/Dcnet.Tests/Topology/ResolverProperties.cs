using System.Net;
using Dcnet.Design;
using Dcnet.Topology;
using FsCheck.Xunit;

namespace Dcnet.Tests.Topology;

/// <summary>Invariants of the resolver on random generated designs.</summary>
public class ResolverProperties
{
    /// <summary>A random but valid design: the generator's parameters, kept small so each case resolves in milliseconds.</summary>
    internal static string RandomDesign(byte vms, byte hosts, byte spines, byte leaves, byte groups, bool dualStack, byte platform) =>
        DesignGenerator.Generate(new GeneratorOptions
        {
            Name = "prop",
            Vms = vms * 12,
            Hosts = 1 + (hosts % 60),
            Spines = 1 + (spines % 4),
            Leaves = leaves % 9,
            Groups = 1 + (groups % 40),
            DualStack = dualStack,
            Platform = (Platform)(platform % 5),
        });

    [Property(MaxTest = 40)]
    public bool Resolving_the_same_design_twice_gives_byte_identical_output(byte vms, byte hosts, byte spines, byte leaves, byte groups, bool dualStack, byte platform)
    {
        string yaml = RandomDesign(vms, hosts, spines, leaves, groups, dualStack, platform);
        string a = Inventory.Json(Resolver.Resolve(DesignLoader.Parse(yaml)));
        string b = Inventory.Json(Resolver.Resolve(DesignLoader.Parse(yaml)));
        return a == b;
    }

    [Property(MaxTest = 40)]
    public void No_two_addresses_overlap(byte vms, byte hosts, byte spines, byte leaves, byte groups, bool dualStack, byte platform)
    {
        var n = Resolver.Resolve(DesignLoader.Parse(RandomDesign(vms, hosts, spines, leaves, groups, dualStack, platform)));
        var seen = new Dictionary<IPAddress, string>();
        void Add(IPAddress? a, string owner)
        {
            if (a is null)
            {
                return;
            }

            Assert.True(seen.TryAdd(a, owner), $"{a} is used by {owner} and by {seen.GetValueOrDefault(a)}");
        }

        foreach (var l in n.FabricLinks)
        {
            Add(l.SpineV4, l.Name + " spine");
            Add(l.LeafV4, l.Name + " leaf");
            Add(l.SpineV6, l.Name + " spine v6");
            Add(l.LeafV6, l.Name + " leaf v6");
        }

        foreach (var s in n.Switches)
        {
            Add(s.LoopbackV4, s.Name + " loopback");
            Add(s.LoopbackV6, s.Name + " loopback v6");
        }

        foreach (var s in n.Segments)
        {
            Add(s.Gateway4, s.Name + " gateway");
            Add(s.Gateway6, s.Name + " gateway v6");
        }

        foreach (var i in n.Hosts.SelectMany(h => h.Interfaces))
        {
            Add(i.V4, i.Host.Name + "/" + i.Name);
            Add(i.V6, i.Host.Name + "/" + i.Name + " v6");
        }

        foreach (var v in n.Vnics)
        {
            Add(v.V4, v.Name);
            Add(v.V6, v.Name + " v6");
        }

        foreach (var svc in n.LoadBalancer?.Services ?? [])
        {
            Add(svc.VipV4, svc.Name);
            Add(svc.VipV6, svc.Name + " v6");
        }

        Assert.Equal(n.Vnics.Count, n.Vnics.Select(v => v.Mac).Distinct().Count());
    }

    [Property(MaxTest = 40)]
    public void Every_vm_gets_what_its_networks_promise(byte vms, byte hosts, byte spines, byte leaves, byte groups, bool dualStack, byte platform)
    {
        var n = Resolver.Resolve(DesignLoader.Parse(RandomDesign(vms, hosts, spines, leaves, groups, dualStack, platform)));
        Assert.Equal(vms * 12, n.Vms.Count);
        foreach (var vm in n.Vms)
        {
            Assert.NotNull(vm.Host);
            Assert.True(vm.Host!.Group.RunsVms);
            Assert.Equal(vm.Group.Segments.Select(s => s.Name), vm.Vnics.Select(v => v.Segment.Name));
            foreach (var nic in vm.Vnics)
            {
                Assert.True(nic.Mac.IsLocallyAdministered && !nic.Mac.IsMulticast);
                Promise(nic.Segment.Ipv4, nic.Segment.Gateway4, nic.V4);
                Promise(nic.Segment.Ipv6, nic.Segment.Gateway6, nic.V6);
                if (nic.Segment.Kind == NetworkKind.Overlay)
                {
                    Assert.NotNull(vm.Host.TunnelEndpoint);
                }
                else
                {
                    Assert.Contains(nic.Segment.Vlan!.Value, vm.Host.BondFor(TrafficClass.Vm)!.TaggedVlans);
                }
            }
        }

        static void Promise(IPNetwork? prefix, IPAddress? gateway, IPAddress? given)
        {
            if (prefix is not { } p)
            {
                Assert.Null(given);
                return;
            }

            Assert.NotNull(given);
            Assert.True(p.Contains(given!), $"{given} outside {p}");
            Assert.NotEqual(gateway, given);
        }
    }
}
