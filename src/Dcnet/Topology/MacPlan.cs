using Dcnet.Wire;

namespace Dcnet.Topology;

/// <summary>
/// Deterministic, locally administered MAC addresses for what the design does not name: host NICs, switch ports,
/// the leaves' anycast gateway, OVN router ports. vNICs get theirs from the resolver (02:dc:...).
/// </summary>
public static class MacPlan
{
    /// <summary>The anycast gateway MAC every leaf answers for on its SVIs (EVPN distributed gateway).</summary>
    public static readonly MacAddress AnycastGateway = MacAddress.Parse("02:dc:ff:00:00:01");

    public static MacAddress HostNic(Host host, int nic) => MacAddress.LocallyAdministered(0x02dd, ((uint)host.Index << 8) | (uint)(nic & 0xFF));

    /// <summary>A bond takes the MAC of its first member, as Linux does.</summary>
    public static MacAddress Bond(Bond bond) => bond.Members.Count > 0 ? HostNic(bond.Host, bond.Members[0].Index) : HostNic(bond.Host, 0xFF);

    /// <summary>A switch's router MAC (used on routed ports, SVIs as source, EVPN router MAC).</summary>
    public static MacAddress Switch(Switch sw) => MacAddress.LocallyAdministered(0x02de, ((sw.Role == DeviceRole.Spine ? 1u : 2u) << 24) | (uint)sw.Index);

    /// <summary>The OVN logical router port on a network.</summary>
    public static MacAddress RouterPort(Segment segment) => MacAddress.LocallyAdministered(0x02df, (uint)segment.Index + 1);

    /// <summary>The outside next hop beyond the border leaves.</summary>
    public static readonly MacAddress External = MacAddress.Parse("02:ee:00:00:00:01");
}
