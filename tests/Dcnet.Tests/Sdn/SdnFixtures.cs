using Dcnet.Design;
using Dcnet.Sdn;
using Dcnet.Tests.Support;
using Dcnet.Topology;

namespace Dcnet.Tests.Sdn;

/// <summary>Designs and model variants the SDN tests share.</summary>
internal static class SdnFixtures
{
    /// <summary>The interop fixture: routed, unrouted and VLAN networks, every kind of rule (see its first comment).</summary>
    public static Network Interop() => Resolver.Resolve(DesignLoader.Load(Repo.Path("tests", "Dcnet.Interop.Tests", "Sdn", "Fixtures", "ovn-interop.yaml"), "ovn-interop.yaml"));

    /// <summary>A design with two overlay networks and the given policy block (YAML, indented under 'policy:').</summary>
    public static Network WithPolicy(string policy, string extraNetworks = "", string groups = "") => Designs.Resolve($$"""
        name: t
        platform: ove
        hosts:
          - name: h
            count: 2
            nics: [{ name: eth0 }, { name: eth1 }]
            bonds:
              - { name: bond0, members: [eth0, eth1], carries: [management, vm, overlay] }
        networks:
          - { name: mgmt, kind: host-vlan, role: management, vlan: 10, ipv4: 10.0.0.0/24 }
          - { name: front, kind: overlay, ipv4: 10.1.0.0/24, ipv6: "fd00:1::/64" }
          - { name: back, kind: overlay, ipv4: 10.2.0.0/24, ipv6: "fd00:2::/64" }
        {{extraNetworks}}
        workloads:
          groups:
            - { name: web, vms: 2, networks: [front] }
            - { name: app, vms: 2, networks: [front] }
            - { name: db, vms: 2, networks: [back] }
        {{groups}}
        policy:
        {{policy}}
        """);

    /// <summary>The same model with every ACL's action replaced (how a platform with other defaults would render it).</summary>
    public static LogicalNetwork WithActions(Network network, Func<Acl, AclAction> action, bool defaultAclDrop = false) =>
        LogicalNetworkBuilder.WithActions(network, action, defaultAclDrop);

    public static LogicalSwitchPort Port(LogicalNetwork model, string vm, int nic = 0) => model.VnicPorts[model.Network.FindVm(vm)!.Vnics[nic].Index];
}
