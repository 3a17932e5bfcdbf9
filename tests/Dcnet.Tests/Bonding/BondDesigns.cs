using Dcnet.Design;
using Dcnet.Topology;

namespace Dcnet.Tests.Bonding;

/// <summary>Small designs around one bond under test: 8 hosts on an MLAG pair (or on two unpaired leaves), 40 VMs.</summary>
public static class BondDesigns
{
    /// <summary>
    /// A design whose hosts have one bond, bond0, written as <paramref name="bond"/> (the inside of a YAML flow
    /// mapping, without members and carries), carrying management, VM, overlay, storage and live-migration traffic.
    /// </summary>
    public static string Yaml(string bond, bool mlag = true, string platform = "ove", string nics = "", string group = "", string top = "", int members = 2) => $$"""
        name: bonds
        platform: {{platform}}
        fabric: { spines: 2, leaves: 2, mlag: {{(mlag ? "true" : "false")}} }
        hosts:
          - name: worker
            count: 8
            attach: pair
            nics: [{ name: ens1f0, speed: 25G{{nics}} }, { name: ens2f0, speed: 25G{{nics}} }, { name: ens3f0, speed: 25G{{nics}} }]
            bonds:
              - { name: bond0, {{bond}}, members: [{{string.Join(", ", new[] { "ens1f0", "ens2f0", "ens3f0" }.Take(members))}}], carries: [management, vm, overlay, storage, live-migration] }
            {{group}}
        overlay: { type: geneve, tunnel-network: management }
        networks:
          - { name: management, kind: host-vlan, role: management, vlan: 10, ipv4: 10.0.0.0/24, mtu: 9000 }
          - { name: storage, kind: host-vlan, role: storage, vlan: 20, ipv4: 10.0.1.0/24, mtu: 9000 }
          - { name: migration, kind: host-vlan, role: live-migration, vlan: 30, ipv4: 10.0.2.0/24, mtu: 9000 }
          - { name: web, kind: overlay, ipv4: 10.1.0.0/24 }
          - { name: legacy, kind: localnet, vlan: 100, ipv4: 10.2.0.0/24 }
        workloads:
          groups:
            - { name: web, vms: 32, networks: [web] }
            - { name: legacy, vms: 8, networks: [legacy] }
        {{top}}
        """;

    public static Network Resolve(string bond, bool mlag = true, string platform = "ove", string nics = "", string group = "", string top = "", int members = 2) =>
        Resolver.Resolve(DesignLoader.Parse(Yaml(bond, mlag, platform, nics, group, top, members), "bonds.yaml"));
}
