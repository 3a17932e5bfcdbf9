using Dcnet.Design;
using Dcnet.Topology;

namespace Dcnet.Tests.Support;

/// <summary>Loading designs in tests.</summary>
public static class Designs
{
    /// <summary>A small valid design, as text, that tests extend.</summary>
    public const string Minimal = """
        name: t
        platform: linux
        hosts:
          - name: h
            count: 2
            nics: [{ name: eth0 }, { name: eth1 }]
            bonds:
              - { name: bond0, members: [eth0, eth1], carries: [management, vm, overlay] }
        networks:
          - { name: mgmt, kind: host-vlan, role: management, vlan: 10, ipv4: 10.0.0.0/24 }
          - { name: tenant, kind: overlay, ipv4: 10.1.0.0/24, ipv6: "fd00:1::/64" }
        workloads:
          groups:
            - { name: web, vms: 4, networks: [tenant] }
        """;

    public static DesignDocument Parse(string yaml, string name = "design.yaml") => DesignLoader.Parse(yaml, name);

    public static Network Resolve(string yaml) => Resolver.Resolve(Parse(yaml));

    public static Network Example(string file) => Resolver.Resolve(DesignLoader.Load(Repo.Path("examples", file), "examples/" + file));

    /// <summary>The errors loading <paramref name="yaml"/> produces, one per line, or fails when it loads.</summary>
    public static IReadOnlyList<string> Errors(string yaml, string name = "design.yaml")
    {
        var e = Assert.Throws<DesignException>(() => Resolver.Resolve(Parse(yaml, name)));
        return e.Errors.Select(x => x.ToString()).ToList();
    }
}
