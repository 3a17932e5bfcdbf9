namespace Dcnet.Design;

/// <summary>Small designs used by the reference documentation and tests.</summary>
public static class DesignExamples
{
    /// <summary>The example shown at the top of docs/design-file.md. A test proves it loads and checks clean.</summary>
    public const string Reference = """
        name: example
        platform: ove
        fabric:
          spines: 2
          leaves: 2
          mlag: true
          families: [ipv4, ipv6]
        hosts:
          - name: worker
            count: 4
            nics:
              - { name: ens1f0, speed: 25G }
              - { name: ens2f0, speed: 25G }
            bonds:
              - name: bond0
                mode: 802.3ad
                xmit-hash-policy: layer3+4
                members: [ens1f0, ens2f0]
                mtu: 9000
                carries: [management, vm, overlay, storage, live-migration]
        overlay:
          type: geneve
        networks:
          - { name: mgmt, kind: host-vlan, role: management, vlan: 10, ipv4: 10.0.10.0/24, ipv6: "fd00:10::/64", mtu: 9000 }
          - { name: storage, kind: host-vlan, role: storage, vlan: 20, ipv4: 10.0.20.0/24, mtu: 9000 }
          - { name: web, kind: overlay, ipv4: 10.1.0.0/24, ipv6: "fd00:100::/64" }
          - { name: db, kind: overlay, ipv4: 10.2.0.0/24, ipv6: "fd00:200::/64" }
        workloads:
          groups:
            - { name: web, vms: 6, networks: [web] }
            - { name: db, vms: 2, networks: [db] }
        policy:
          rules:
            - { from: web, to: db, protocol: tcp, ports: ["5432"] }
        """;
}
