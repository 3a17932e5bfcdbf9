using System.Net;

namespace Dcnet.Wire;

/// <summary>
/// One protocol header in a frame. Fields that the wire derives from the rest of the frame (lengths, checksums, the
/// next protocol) are nullable: null means "compute it when encoding"; the decoder fills in what it read, so
/// encoding a decoded frame gives the same bytes back.
/// </summary>
public abstract record Layer
{
    /// <summary>Bytes this header takes on the wire.</summary>
    public abstract int HeaderLength { get; }

    /// <summary>Short name as a packet analyser shows it (Ethernet II, 802.1Q, IPv4, ...).</summary>
    public abstract string Name { get; }
}

/// <summary>Ethernet II header: destination, source; the EtherType is that of the next layer unless given.</summary>
public sealed record EthernetLayer(MacAddress Destination, MacAddress Source, ushort? EtherType = null) : Layer
{
    public override int HeaderLength => 14;

    public override string Name => "Ethernet II";
}

/// <summary>An IEEE 802.1Q tag (TPID 0x8100) or an 802.1ad service tag (TPID 0x88a8): priority, drop eligible, VLAN id.</summary>
public sealed record VlanLayer(ushort Vid, byte Pcp = 0, bool Dei = false, ushort Tpid = VlanLayer.Dot1Q, ushort? EtherType = null) : Layer
{
    public const ushort Dot1Q = 0x8100;
    public const ushort Dot1ad = 0x88A8;

    /// <summary>The tag itself is 4 bytes (TPID and TCI); the EtherType that follows belongs to the tag's 4 bytes of the frame.</summary>
    public override int HeaderLength => 4;

    public override string Name => Tpid == Dot1ad ? "802.1ad" : "802.1Q";
}

/// <summary>An IPv4 header (RFC 791). Options are not modelled.</summary>
public sealed record Ipv4Layer(
    IPAddress Source,
    IPAddress Destination,
    byte Ttl = 64,
    bool DontFragment = true,
    bool MoreFragments = false,
    ushort FragmentOffset = 0,
    ushort Identification = 0,
    byte Dscp = 0,
    byte Ecn = 0,
    byte? Protocol = null,
    ushort? TotalLength = null,
    ushort? HeaderChecksum = null) : Layer
{
    public override int HeaderLength => 20;

    public override string Name => "IPv4";

    /// <summary>Fragment offset in bytes (the field counts 8-byte units).</summary>
    public int FragmentOffsetBytes => FragmentOffset * 8;
}

/// <summary>An IPv6 header (RFC 8200).</summary>
public sealed record Ipv6Layer(
    IPAddress Source,
    IPAddress Destination,
    byte HopLimit = 64,
    byte TrafficClass = 0,
    uint FlowLabel = 0,
    byte? NextHeader = null,
    ushort? PayloadLength = null) : Layer
{
    public override int HeaderLength => 40;

    public override string Name => "IPv6";
}

/// <summary>The IPv6 Fragment extension header (RFC 8200 §4.5).</summary>
public sealed record Ipv6FragmentLayer(uint Identification, ushort FragmentOffset = 0, bool MoreFragments = false, byte? NextHeader = null) : Layer
{
    public override int HeaderLength => 8;

    public override string Name => "IPv6 Fragment";

    public int FragmentOffsetBytes => FragmentOffset * 8;
}

/// <summary>UDP (RFC 768). A checksum of 0 over IPv4 means "none"; over IPv6 it is computed unless given.</summary>
public sealed record UdpLayer(ushort SourcePort, ushort DestinationPort, ushort? Length = null, ushort? Checksum = null) : Layer
{
    public override int HeaderLength => 8;

    public override string Name => "UDP";
}

/// <summary>TCP flags as the header carries them.</summary>
[Flags]
public enum TcpFlags : ushort
{
    None = 0,
    Fin = 0x01,
    Syn = 0x02,
    Rst = 0x04,
    Psh = 0x08,
    Ack = 0x10,
    Urg = 0x20,
    Ece = 0x40,
    Cwr = 0x80,
}

/// <summary>TCP (RFC 9293) with the MSS option (kind 2) when <see cref="Mss"/> is set.</summary>
public sealed record TcpLayer(
    ushort SourcePort,
    ushort DestinationPort,
    uint Sequence = 0,
    uint Acknowledgment = 0,
    TcpFlags Flags = TcpFlags.Syn,
    ushort Window = 64240,
    ushort? Mss = null,
    ushort UrgentPointer = 0,
    ushort? Checksum = null) : Layer
{
    public override int HeaderLength => Mss is null ? 20 : 24;

    public override string Name => "TCP";
}

/// <summary>ICMP for IPv4 (RFC 792). <see cref="Rest"/> is the second 32-bit word: id and sequence for echo, the next-hop MTU for type 3 code 4 (RFC 1191).</summary>
public sealed record Icmpv4Layer(byte Type, byte Code, uint Rest = 0, ushort? Checksum = null) : Layer
{
    public const byte EchoReply = 0;
    public const byte DestinationUnreachable = 3;
    public const byte EchoRequest = 8;
    public const byte FragmentationNeeded = 4;

    public override int HeaderLength => 8;

    public override string Name => "ICMP";

    /// <summary>The next-hop MTU of a "fragmentation needed" message (the low 16 bits of the second word).</summary>
    public ushort NextHopMtu => (ushort)(Rest & 0xFFFF);
}

/// <summary>ICMPv6 (RFC 4443). <see cref="Rest"/> is the MTU of a Packet Too Big message, or id and sequence for echo.</summary>
public sealed record Icmpv6Layer(byte Type, byte Code, uint Rest = 0, ushort? Checksum = null) : Layer
{
    public const byte PacketTooBig = 2;
    public const byte EchoRequest = 128;
    public const byte EchoReply = 129;

    public override int HeaderLength => 8;

    public override string Name => "ICMPv6";
}

/// <summary>VXLAN (RFC 7348): 8 bytes, the I flag and a 24-bit VNI, carried in UDP to port 4789.</summary>
public sealed record VxlanLayer(uint Vni, byte Flags = 0x08) : Layer
{
    public const ushort Port = 4789;

    public override int HeaderLength => 8;

    public override string Name => "VXLAN";
}

/// <summary>One GENEVE option TLV (RFC 8926 §3.5): class, type and data (a multiple of 4 bytes).</summary>
public sealed record GeneveOption(ushort Class, byte Type, byte[] Data)
{
    /// <summary>OVN's option class (0x0102) and type (0x80) carrying the logical ingress and egress port keys.</summary>
    public static GeneveOption Ovn(ushort ingressPortKey, ushort egressPortKey)
    {
        // OVN (ovn/controller/physical.c): 1 bit reserved, 15 bits logical ingress port, 16 bits logical egress port.
        var data = new byte[4];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(data, ((uint)(ingressPortKey & 0x7FFF) << 16) | egressPortKey);
        return new GeneveOption(0x0102, 0x80, data);
    }

    public int Length => 4 + Data.Length;

    public bool Equals(GeneveOption? other) => other is not null && Class == other.Class && Type == other.Type && Data.AsSpan().SequenceEqual(other.Data);

    public override int GetHashCode() => HashCode.Combine(Class, Type, Data.Length);
}

/// <summary>GENEVE (RFC 8926): carried in UDP to port 6081; the protocol type of an Ethernet payload is 0x6558.</summary>
public sealed record GeneveLayer(uint Vni, IReadOnlyList<GeneveOption>? Options = null, bool Oam = false, bool Critical = false, ushort? ProtocolType = null) : Layer
{
    public const ushort Port = 6081;
    public const ushort TransparentEthernetBridging = 0x6558;

    public IReadOnlyList<GeneveOption> OptionList => Options ?? [];

    public override int HeaderLength => 8 + OptionList.Sum(o => o.Length);

    public override string Name => "GENEVE";

    public bool Equals(GeneveLayer? other) => other is not null && Vni == other.Vni && Oam == other.Oam && Critical == other.Critical
        && ProtocolType == other.ProtocolType && OptionList.SequenceEqual(other.OptionList);

    public override int GetHashCode() => HashCode.Combine(Vni, OptionList.Count);
}
