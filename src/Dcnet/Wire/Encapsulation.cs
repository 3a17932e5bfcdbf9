using System.Net;
using System.Net.Sockets;

namespace Dcnet.Wire;

/// <summary>The outer header values of a tunnel: endpoints, MACs and the fields a tunnel device fills in.</summary>
public sealed record TunnelEndpoints(
    MacAddress SourceMac,
    MacAddress DestinationMac,
    IPAddress Source,
    IPAddress Destination,
    ushort SourcePort,
    bool DontFragment = false,
    byte Ttl = 64,
    ushort Identification = 0,
    bool UdpChecksum = true);

/// <summary>Builds the frames an 802.1Q device, a VXLAN device or a GENEVE device puts on the wire for an inner frame.</summary>
public static class Encapsulation
{
    /// <summary>The frame with an 802.1Q (or 802.1ad) tag inserted after the MAC addresses.</summary>
    public static Frame Tag(Frame frame, ushort vid, byte pcp = 0, ushort tpid = VlanLayer.Dot1Q) =>
        new([frame.Layers[0], new VlanLayer(vid, pcp, Tpid: tpid), .. frame.Layers.Skip(1)], frame.Payload);

    /// <summary>VXLAN (RFC 7348): outer Ethernet, IP, UDP to 4789, the VXLAN header, then the inner Ethernet frame.</summary>
    public static Frame Vxlan(Frame inner, uint vni, TunnelEndpoints t, ushort port = VxlanLayer.Port) =>
        Wrap(inner, t, port, new VxlanLayer(vni));

    /// <summary>GENEVE (RFC 8926) with the given options (OVN adds one 8-byte option: <see cref="GeneveOption.Ovn"/>).</summary>
    public static Frame Geneve(Frame inner, uint vni, TunnelEndpoints t, IReadOnlyList<GeneveOption>? options = null, ushort port = GeneveLayer.Port) =>
        Wrap(inner, t, port, new GeneveLayer(vni, options ?? []));

    private static Frame Wrap(Frame inner, TunnelEndpoints t, ushort port, Layer tunnel)
    {
        bool v6 = t.Source.AddressFamily == AddressFamily.InterNetworkV6;
        Layer ip = v6
            ? new Ipv6Layer(t.Source, t.Destination, HopLimit: t.Ttl)
            : new Ipv4Layer(t.Source, t.Destination, Ttl: t.Ttl, DontFragment: t.DontFragment, Identification: t.Identification);
        var udp = new UdpLayer(t.SourcePort, port, Checksum: t.UdpChecksum ? null : (ushort)0);
        return new Frame([new EthernetLayer(t.DestinationMac, t.SourceMac), ip, udp, tunnel, .. inner.Layers], inner.Payload);
    }
}
