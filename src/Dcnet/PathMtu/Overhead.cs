using Dcnet.Design;

namespace Dcnet.PathMtu;

/// <summary>
/// Bytes that encapsulation adds to an inner IP packet, and so takes from the MTU left for VMs. Counted from the
/// inner IP header outwards: inner Ethernet (14), outer IP (20 or 40), UDP (8), tunnel header (8, plus GENEVE options).
/// An outer 802.1Q tag counts on the switch port, not in the IP MTU, so it is not here.
/// </summary>
public static class Overhead
{
    public const int Ethernet = 14;
    public const int Dot1QTag = 4;
    public const int Ipv4Header = 20;
    public const int Ipv6Header = 40;
    public const int Udp = 8;
    public const int TunnelHeader = 8;
    public const int TcpHeader = 20;
    public const int TcpTimestamps = 12;
    public const int IcmpEchoHeader = 8;

    /// <summary>Per-frame cost on the wire beyond the Ethernet header: FCS 4, preamble and SFD 8, inter-frame gap 12.</summary>
    public const int EthernetFraming = 4 + 8 + 12;

    /// <summary>What the overlay takes from the underlay MTU: VXLAN over IPv4 50, GENEVE with OVN's 8-byte option 58, IPv6 outer +20.</summary>
    public static int Encapsulation(OverlayType type, IpFamily underlay, int geneveOptionBytes) => type switch
    {
        OverlayType.None => 0,
        OverlayType.Vxlan => Ethernet + Ip(underlay) + Udp + TunnelHeader,
        _ => Ethernet + Ip(underlay) + Udp + TunnelHeader + geneveOptionBytes,
    };

    public static int Encapsulation(OverlayDesign overlay) => Encapsulation(overlay.Type, overlay.UnderlayFamily, overlay.GeneveOptionBytes);

    /// <summary>EVPN-VXLAN on the fabric, from leaf VTEPs (IPv4 loopbacks): 50 bytes.</summary>
    public const int EvpnVxlan = Ethernet + Ipv4Header + Udp + TunnelHeader;

    public static int Ip(IpFamily family) => family == IpFamily.Ipv6 ? Ipv6Header : Ipv4Header;

    /// <summary>IP and ICMP echo header bytes in front of a ping payload (ping -s N sends N + this).</summary>
    public static int EchoHeaders(IpFamily family) => Ip(family) + IcmpEchoHeader;
}
