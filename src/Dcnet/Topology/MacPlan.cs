using Dcnet.Wire;

namespace Dcnet.Topology;

/// <summary>
/// The MAC addresses dcnet gives things the design names no MAC for: NIC ports, host bonds and network gateways.
/// Deterministic and locally administered. NIC MACs end in the host index, as real vendor MACs differ from host to
/// host in their last byte (the only byte layer2 hashing reads); a bond takes the MAC of its first member, as Linux
/// does with fail_over_mac=none; a gateway (the leaves' anycast gateway, a router port) has one MAC per network.
/// </summary>
public static class MacPlan
{
    /// <summary>First octets of NIC MACs: 02:dd.</summary>
    public const ushort NicPrefix = 0x02dd;

    /// <summary>First octets of gateway MACs: 02:de.</summary>
    public const ushort GatewayPrefix = 0x02de;

    /// <summary>02:dd:NN:HH:HH:HH: NIC slot NN of host HHHHHH (0-based host index).</summary>
    public static MacAddress Of(Nic nic)
    {
        ArgumentNullException.ThrowIfNull(nic);
        return MacAddress.LocallyAdministered(NicPrefix, ((uint)(nic.Index & 0xFF) << 24) | ((uint)nic.Host.Index & 0xFFFFFF));
    }

    /// <summary>The bond's MAC: its first member's.</summary>
    public static MacAddress Of(Bond bond)
    {
        ArgumentNullException.ThrowIfNull(bond);
        return bond.Members.Count > 0 ? Of(bond.Members[0]) : MacAddress.LocallyAdministered(NicPrefix, (uint)bond.Host.Index & 0xFFFFFF);
    }

    /// <summary>The MAC a host interface sends from: its bond's, or its host's first NIC's.</summary>
    public static MacAddress Of(HostInterface iface)
    {
        ArgumentNullException.ThrowIfNull(iface);
        return iface.Bond is { } b ? Of(b) : iface.Host.Nics.Count > 0 ? Of(iface.Host.Nics[0]) : MacAddress.LocallyAdministered(NicPrefix, (uint)iface.Host.Index & 0xFFFFFF);
    }

    /// <summary>02:de:00:00:SS:SS: the gateway of network SSSS (1-based network index).</summary>
    public static MacAddress Gateway(Segment segment)
    {
        ArgumentNullException.ThrowIfNull(segment);
        return MacAddress.LocallyAdministered(GatewayPrefix, (uint)(segment.Index + 1));
    }

    /// <summary>A switch's router MAC (routed ports, EVPN router MAC): 02:de:RR:00:II:II, RR 01 for spines, 02 for leaves.</summary>
    public static MacAddress Switch(Switch sw)
    {
        ArgumentNullException.ThrowIfNull(sw);
        return MacAddress.LocallyAdministered(GatewayPrefix, ((sw.Role == DeviceRole.Spine ? 1u : 2u) << 24) | (uint)sw.Index);
    }

    /// <summary>The outside next hop beyond the border leaves.</summary>
    public static readonly MacAddress External = MacAddress.Parse("02:ee:00:00:00:01");
}
