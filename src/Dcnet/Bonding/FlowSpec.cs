using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using Dcnet.Wire;

namespace Dcnet.Bonding;

/// <summary>
/// One flow as <c>dcnet hash</c> and kernel-lab read it from CSV: MACs, an optional VLAN id, addresses, protocol and
/// ports, a fragment flag, an optional tunnelled inner flow (VXLAN/GENEVE), or a raw frame. <see cref="ToBondFrame"/>
/// builds the same frame kernel-lab sends (every byte the hash reads is the same; payload bytes are zeros).
/// </summary>
public sealed record FlowSpec
{
    /// <summary>kernel-lab's EtherType for non-IP rows (IEEE 802 local experimental).</summary>
    public const ushort LocalExperimentalEtherType = 0x88B5;

    /// <summary>Bytes after the last header: kernel-lab's marker is 16 bytes long.</summary>
    public const int PayloadLength = 16;

    public static readonly MacAddress DefaultSourceMac = MacAddress.Parse("02:00:00:00:00:01");

    public static readonly MacAddress DefaultDestinationMac = MacAddress.Parse("02:00:00:00:00:02");

    public MacAddress SourceMac { get; init; } = DefaultSourceMac;

    public MacAddress DestinationMac { get; init; } = DefaultDestinationMac;

    /// <summary>VLAN id 0..4094 (priority 0), or null for an untagged frame.</summary>
    public ushort? Vlan { get; init; }

    public IPAddress? SourceIp { get; init; }

    public IPAddress? DestinationIp { get; init; }

    /// <summary>The IP protocol number (IP rows).</summary>
    public byte Protocol { get; init; }

    /// <summary>The EtherType of a non-IP row (default 0x88B5).</summary>
    public ushort EtherType { get; init; } = LocalExperimentalEtherType;

    /// <summary>Source port; the echo id for ICMP/ICMPv6.</summary>
    public ushort? SourcePort { get; init; }

    /// <summary>Destination port; the echo sequence number for ICMP/ICMPv6.</summary>
    public ushort? DestinationPort { get; init; }

    /// <summary>A non-first fragment: IPv4 offset 1480 with MF clear, or an IPv6 Fragment header at offset 1480; no L4 header.</summary>
    public bool Fragment { get; init; }

    /// <summary>The tunnelled frame of a VXLAN (UDP 4789) or GENEVE (UDP 6081) row; its tag, if any, is in-band.</summary>
    public FlowSpec? Inner { get; init; }

    public uint Vni { get; init; } = 42;

    /// <summary>A whole frame given as bytes; all other fields are then unused.</summary>
    public byte[]? Raw { get; init; }

    public bool IsIp => SourceIp is not null;

    public bool IsIpv6 => SourceIp?.AddressFamily == AddressFamily.InterNetworkV6;

    /// <summary>
    /// The frame as the bond receives it. A raw frame is written as an AF_PACKET socket would; otherwise a VLAN id
    /// becomes metadata (<see cref="VlanTagging.Metadata"/>, a VLAN device on the bond) or stays in the bytes
    /// (<see cref="VlanTagging.InBand"/>).
    /// </summary>
    public BondFrame ToBondFrame(VlanTagging tagging = VlanTagging.Metadata)
    {
        if (Raw is not null)
        {
            return BondFrame.FromAfPacket(Raw);
        }

        if (tagging == VlanTagging.InBand || Vlan is null)
        {
            return BondFrame.FromAfPacket(Encode(tagInBand: true));
        }

        return BondFrame.FromVlanDevice(Encode(tagInBand: false), Vlan);
    }

    /// <summary>The frame bytes, with the VLAN tag in the bytes or left out.</summary>
    public byte[] Encode(bool tagInBand)
    {
        if (Raw is not null)
        {
            return Raw;
        }

        bool tagged = Vlan is not null && tagInBand;
        var layers = new List<Layer> { new EthernetLayer(DestinationMac, SourceMac, IsIp || tagged ? null : EtherType) };
        if (Vlan is ushort vid && tagInBand)
        {
            layers.Add(new VlanLayer(vid, EtherType: IsIp ? null : EtherType));
        }

        byte[] payload = new byte[PayloadLength];
        if (!IsIp)
        {
            return FrameCodec.Encode(layers, payload);
        }

        bool v6 = IsIpv6;
        if (v6)
        {
            layers.Add(new Ipv6Layer(SourceIp!, DestinationIp!, NextHeader: Fragment ? FrameCodec.ProtoIpv6Fragment : Protocol));
            if (Fragment)
            {
                layers.Add(new Ipv6FragmentLayer(1, FragmentOffset: 185, MoreFragments: false, NextHeader: Protocol));
                return FrameCodec.Encode(layers, payload);
            }
        }
        else
        {
            layers.Add(new Ipv4Layer(SourceIp!, DestinationIp!, DontFragment: false, FragmentOffset: Fragment ? (ushort)185 : (ushort)0, Identification: 1, Protocol: Protocol));
            if (Fragment)
            {
                return FrameCodec.Encode(layers, payload);
            }
        }

        switch (Protocol)
        {
            case FrameCodec.ProtoTcp:
                layers.Add(new TcpLayer(SourcePort ?? 0, DestinationPort ?? 0, Sequence: 1, Window: 0xFFFF));
                return FrameCodec.Encode(layers, payload);
            case FrameCodec.ProtoUdp:
                layers.Add(new UdpLayer(SourcePort ?? 0, DestinationPort ?? 0, Checksum: 0));
                if (Inner is { } inner)
                {
                    byte[] innerBytes = inner.Encode(tagInBand: true);
                    byte[] tunnel = new byte[8 + innerBytes.Length];
                    if (DestinationPort == VxlanLayer.Port)
                    {
                        tunnel[0] = 0x08;
                    }
                    else
                    {
                        BinaryPrimitives.WriteUInt16BigEndian(tunnel.AsSpan(2), GeneveLayer.TransparentEthernetBridging);
                    }

                    BinaryPrimitives.WriteUInt32BigEndian(tunnel.AsSpan(4), Vni << 8);
                    innerBytes.CopyTo(tunnel, 8);
                    return FrameCodec.Encode(layers, tunnel);
                }

                return FrameCodec.Encode(layers, payload);
            case FrameCodec.ProtoIcmp when !v6:
                layers.Add(new Icmpv4Layer(Icmpv4Layer.EchoRequest, 0, ((uint)(SourcePort ?? 0) << 16) | (DestinationPort ?? 0)));
                return FrameCodec.Encode(layers, payload);
            case FrameCodec.ProtoIcmpv6 when v6:
                layers.Add(new Icmpv6Layer(Icmpv6Layer.EchoRequest, 0, ((uint)(SourcePort ?? 0) << 16) | (DestinationPort ?? 0)));
                return FrameCodec.Encode(layers, payload);
            default:
                {
                    // An opaque protocol: the ports, if given, fill the first 4 bytes, where the kernel reads SCTP,
                    // UDP-Lite, DCCP and ESP "ports".
                    byte[] body = new byte[(SourcePort is null ? 0 : 4) + PayloadLength];
                    if (SourcePort is ushort sp)
                    {
                        BinaryPrimitives.WriteUInt16BigEndian(body, sp);
                        BinaryPrimitives.WriteUInt16BigEndian(body.AsSpan(2), DestinationPort ?? 0);
                    }

                    return FrameCodec.Encode(layers, body);
                }
        }
    }
}
