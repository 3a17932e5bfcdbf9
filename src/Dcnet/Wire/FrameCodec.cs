using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace Dcnet.Wire;

/// <summary>A frame as a stack of headers (outermost first) and the payload after the innermost header.</summary>
public sealed record Frame(IReadOnlyList<Layer> Layers, byte[] Payload)
{
    public int Length => Layers.Sum(l => l.HeaderLength) + Payload.Length;

    /// <summary>The size of the outermost IP packet: bytes from the first IPv4 or IPv6 header to the end (the whole frame when there is none).</summary>
    public int IpLength
    {
        get
        {
            int at = 0;
            foreach (var l in Layers)
            {
                if (l is Ipv4Layer or Ipv6Layer)
                {
                    return Length - at;
                }

                at += l.HeaderLength;
            }

            return Length;
        }
    }

    public T? Find<T>()
        where T : Layer => Layers.OfType<T>().FirstOrDefault();

    public bool Equals(Frame? other) => other is not null && Layers.SequenceEqual(other.Layers) && Payload.AsSpan().SequenceEqual(other.Payload);

    public override int GetHashCode() => HashCode.Combine(Layers.Count, Payload.Length);
}

/// <summary>
/// Byte-exact encoding and decoding of frames: Ethernet II, 802.1Q/802.1ad, IPv4, IPv6 with the Fragment header, UDP,
/// TCP with MSS, ICMP, ICMPv6, VXLAN and GENEVE. Lengths, checksums and next-protocol fields left null are computed.
/// </summary>
public static class FrameCodec
{
    public const ushort EtherTypeIpv4 = 0x0800;
    public const ushort EtherTypeIpv6 = 0x86DD;
    public const byte ProtoIcmp = 1;
    public const byte ProtoIpIp = 4;
    public const byte ProtoTcp = 6;
    public const byte ProtoUdp = 17;
    public const byte ProtoIpv6 = 41;
    public const byte ProtoIpv6Fragment = 44;
    public const byte ProtoIcmpv6 = 58;
    public const byte ProtoNoNext = 59;

    public static byte[] Encode(Frame frame) => Encode(frame.Layers, frame.Payload);

    /// <summary>Encodes from the inside out, so every length and checksum sees the bytes it covers.</summary>
    public static byte[] Encode(IReadOnlyList<Layer> layers, ReadOnlySpan<byte> payload)
    {
        // One buffer, headers written back to front: each layer sees the finished bytes it covers.
        int start = 0;
        for (int i = 0; i < layers.Count; i++)
        {
            start += layers[i].HeaderLength;
        }

        var frame = new byte[start + payload.Length];
        payload.CopyTo(frame.AsSpan(start));
        for (int i = layers.Count - 1; i >= 0; i--)
        {
            start -= layers[i].HeaderLength;
            Layer? next = i + 1 < layers.Count ? layers[i + 1] : null;
            Wrap(layers, i, next, frame.AsSpan(start));
        }

        return frame;
    }

    /// <summary>Writes layer <paramref name="index"/>'s header at the start of <paramref name="buf"/>, which holds it and everything inside it.</summary>
    private static void Wrap(IReadOnlyList<Layer> layers, int index, Layer? next, Span<byte> buf)
    {
        var layer = layers[index];
        var h = buf[..layer.HeaderLength];
        int innerLength = buf.Length - layer.HeaderLength;
        switch (layer)
        {
            case EthernetLayer e:
                e.Destination.WriteTo(h);
                e.Source.WriteTo(h[6..]);
                BinaryPrimitives.WriteUInt16BigEndian(h[12..], e.EtherType ?? EtherTypeOf(next));
                break;
            case VlanLayer v:
                // The TPID was written by the layer before as its "EtherType"; this 4-byte slot is TCI + inner EtherType.
                BinaryPrimitives.WriteUInt16BigEndian(h, (ushort)((v.Pcp << 13) | (v.Dei ? 0x1000 : 0) | (v.Vid & 0x0FFF)));
                BinaryPrimitives.WriteUInt16BigEndian(h[2..], v.EtherType ?? EtherTypeOf(next));
                break;
            case Ipv4Layer ip:
                {
                    h[0] = 0x45;
                    h[1] = (byte)((ip.Dscp << 2) | (ip.Ecn & 3));
                    BinaryPrimitives.WriteUInt16BigEndian(h[2..], ip.TotalLength ?? (ushort)buf.Length);
                    BinaryPrimitives.WriteUInt16BigEndian(h[4..], ip.Identification);
                    ushort flags = (ushort)((ip.DontFragment ? 0x4000 : 0) | (ip.MoreFragments ? 0x2000 : 0) | (ip.FragmentOffset & 0x1FFF));
                    BinaryPrimitives.WriteUInt16BigEndian(h[6..], flags);
                    h[8] = ip.Ttl;
                    h[9] = ip.Protocol ?? ProtocolOf(next);
                    ip.Source.TryWriteBytes(h[12..], out _);
                    ip.Destination.TryWriteBytes(h[16..], out _);
                    BinaryPrimitives.WriteUInt16BigEndian(h[10..], ip.HeaderChecksum ?? Checksum.Compute(h));
                    break;
                }

            case Ipv6Layer ip6:
                {
                    uint first = (6u << 28) | ((uint)ip6.TrafficClass << 20) | (ip6.FlowLabel & 0xFFFFF);
                    BinaryPrimitives.WriteUInt32BigEndian(h, first);
                    BinaryPrimitives.WriteUInt16BigEndian(h[4..], ip6.PayloadLength ?? (ushort)innerLength);
                    h[6] = ip6.NextHeader ?? ProtocolOf(next);
                    h[7] = ip6.HopLimit;
                    ip6.Source.TryWriteBytes(h[8..], out _);
                    ip6.Destination.TryWriteBytes(h[24..], out _);
                    break;
                }

            case Ipv6FragmentLayer f:
                h[0] = f.NextHeader ?? ProtocolOf(next);
                h[1] = 0;
                BinaryPrimitives.WriteUInt16BigEndian(h[2..], (ushort)((f.FragmentOffset << 3) | (f.MoreFragments ? 1 : 0)));
                BinaryPrimitives.WriteUInt32BigEndian(h[4..], f.Identification);
                break;
            case UdpLayer u:
                {
                    BinaryPrimitives.WriteUInt16BigEndian(h, u.SourcePort);
                    BinaryPrimitives.WriteUInt16BigEndian(h[2..], u.DestinationPort);
                    BinaryPrimitives.WriteUInt16BigEndian(h[4..], u.Length ?? (ushort)buf.Length);
                    ushort sum = u.Checksum ?? Checksum.Transport(EnclosingIp(layers, index), ProtoUdp, buf, zeroIsFfff: true);
                    BinaryPrimitives.WriteUInt16BigEndian(h[6..], sum);
                    break;
                }

            case TcpLayer t:
                {
                    BinaryPrimitives.WriteUInt16BigEndian(h, t.SourcePort);
                    BinaryPrimitives.WriteUInt16BigEndian(h[2..], t.DestinationPort);
                    BinaryPrimitives.WriteUInt32BigEndian(h[4..], t.Sequence);
                    BinaryPrimitives.WriteUInt32BigEndian(h[8..], t.Acknowledgment);
                    BinaryPrimitives.WriteUInt16BigEndian(h[12..], (ushort)(((t.HeaderLength / 4) << 12) | ((ushort)t.Flags & 0x1FF)));
                    BinaryPrimitives.WriteUInt16BigEndian(h[14..], t.Window);
                    BinaryPrimitives.WriteUInt16BigEndian(h[18..], t.UrgentPointer);
                    if (t.Mss is ushort mss)
                    {
                        h[20] = 2;
                        h[21] = 4;
                        BinaryPrimitives.WriteUInt16BigEndian(h[22..], mss);
                    }

                    BinaryPrimitives.WriteUInt16BigEndian(h[16..], t.Checksum ?? Checksum.Transport(EnclosingIp(layers, index), ProtoTcp, buf, zeroIsFfff: false));
                    break;
                }

            case Icmpv4Layer icmp:
                h[0] = icmp.Type;
                h[1] = icmp.Code;
                BinaryPrimitives.WriteUInt32BigEndian(h[4..], icmp.Rest);
                BinaryPrimitives.WriteUInt16BigEndian(h[2..], icmp.Checksum ?? Checksum.Compute(buf));
                break;
            case Icmpv6Layer icmp6:
                h[0] = icmp6.Type;
                h[1] = icmp6.Code;
                BinaryPrimitives.WriteUInt32BigEndian(h[4..], icmp6.Rest);
                BinaryPrimitives.WriteUInt16BigEndian(h[2..], icmp6.Checksum ?? Checksum.Transport(EnclosingIp(layers, index), ProtoIcmpv6, buf, zeroIsFfff: false));
                break;
            case VxlanLayer vx:
                h[0] = vx.Flags;
                BinaryPrimitives.WriteUInt32BigEndian(h[4..], vx.Vni << 8);
                break;
            case GeneveLayer g:
                {
                    int optWords = (g.HeaderLength - 8) / 4;
                    h[0] = (byte)(optWords & 0x3F); // version 0
                    h[1] = (byte)((g.Oam ? 0x80 : 0) | (g.Critical ? 0x40 : 0));
                    BinaryPrimitives.WriteUInt16BigEndian(h[2..], g.ProtocolType ?? EtherTypeOf(next));
                    BinaryPrimitives.WriteUInt32BigEndian(h[4..], g.Vni << 8);
                    int at = 8;
                    foreach (var o in g.OptionList)
                    {
                        BinaryPrimitives.WriteUInt16BigEndian(h[at..], o.Class);
                        h[at + 2] = o.Type;
                        h[at + 3] = (byte)((o.Data.Length / 4) & 0x1F);
                        o.Data.CopyTo(h[(at + 4)..]);
                        at += o.Length;
                    }

                    break;
                }

            default:
                throw new NotSupportedException("cannot encode " + layer.GetType().Name);
        }
    }

    private static Layer? EnclosingIp(IReadOnlyList<Layer> layers, int index)
    {
        for (int i = index - 1; i >= 0; i--)
        {
            if (layers[i] is Ipv4Layer or Ipv6Layer)
            {
                return layers[i];
            }
        }

        return null;
    }

    private static ushort EtherTypeOf(Layer? next) => next switch
    {
        VlanLayer v => v.Tpid,
        Ipv4Layer => EtherTypeIpv4,
        Ipv6Layer => EtherTypeIpv6,
        EthernetLayer => GeneveLayer.TransparentEthernetBridging,
        _ => 0x88B5, // IEEE local experimental: an opaque payload
    };

    private static byte ProtocolOf(Layer? next) => next switch
    {
        TcpLayer => ProtoTcp,
        UdpLayer => ProtoUdp,
        Icmpv4Layer => ProtoIcmp,
        Icmpv6Layer => ProtoIcmpv6,
        Ipv6FragmentLayer => ProtoIpv6Fragment,
        Ipv4Layer => ProtoIpIp,
        Ipv6Layer => ProtoIpv6,
        null => ProtoNoNext,
        _ => 255,
    };

    /// <summary>Decodes a frame that starts with an Ethernet header. Unknown or fragmented content ends up in the payload.</summary>
    public static Frame Decode(ReadOnlySpan<byte> bytes)
    {
        var layers = new List<Layer>();
        int at = 0;
        DecodeEthernet(bytes, ref at, layers);
        return new Frame(layers, bytes[at..].ToArray());
    }

    private static void DecodeEthernet(ReadOnlySpan<byte> b, ref int at, List<Layer> layers)
    {
        if (b.Length - at < 14)
        {
            return;
        }

        var dst = MacAddress.Read(b[at..]);
        var src = MacAddress.Read(b[(at + 6)..]);
        ushort type = BinaryPrimitives.ReadUInt16BigEndian(b[(at + 12)..]);
        at += 14;
        int ethIndex = layers.Count;
        layers.Add(new EthernetLayer(dst, src, type));
        while (type is VlanLayer.Dot1Q or VlanLayer.Dot1ad && b.Length - at >= 4)
        {
            ushort tci = BinaryPrimitives.ReadUInt16BigEndian(b[at..]);
            ushort inner = BinaryPrimitives.ReadUInt16BigEndian(b[(at + 2)..]);
            layers.Add(new VlanLayer((ushort)(tci & 0x0FFF), (byte)(tci >> 13), (tci & 0x1000) != 0, type, inner));
            at += 4;
            type = inner;
        }

        _ = ethIndex;
        DecodeL3(b, ref at, layers, type);
    }

    private static void DecodeL3(ReadOnlySpan<byte> b, ref int at, List<Layer> layers, ushort etherType)
    {
        if (etherType == EtherTypeIpv4 && b.Length - at >= 20 && (b[at] >> 4) == 4 && (b[at] & 0x0F) == 5)
        {
            var h = b[at..];
            ushort flags = BinaryPrimitives.ReadUInt16BigEndian(h[6..]);
            var ip = new Ipv4Layer(
                new IPAddress(h.Slice(12, 4)), new IPAddress(h.Slice(16, 4)),
                Ttl: h[8], DontFragment: (flags & 0x4000) != 0, MoreFragments: (flags & 0x2000) != 0, FragmentOffset: (ushort)(flags & 0x1FFF),
                Identification: BinaryPrimitives.ReadUInt16BigEndian(h[4..]), Dscp: (byte)(h[1] >> 2), Ecn: (byte)(h[1] & 3),
                Protocol: h[9], TotalLength: BinaryPrimitives.ReadUInt16BigEndian(h[2..]), HeaderChecksum: BinaryPrimitives.ReadUInt16BigEndian(h[10..]));
            layers.Add(ip);
            at += 20;
            if (ip.FragmentOffset == 0)
            {
                DecodeL4(b, ref at, layers, h[9]);
            }
        }
        else if (etherType == EtherTypeIpv6 && b.Length - at >= 40 && (b[at] >> 4) == 6)
        {
            var h = b[at..];
            uint first = BinaryPrimitives.ReadUInt32BigEndian(h);
            layers.Add(new Ipv6Layer(
                new IPAddress(h.Slice(8, 16)), new IPAddress(h.Slice(24, 16)), HopLimit: h[7],
                TrafficClass: (byte)((first >> 20) & 0xFF), FlowLabel: first & 0xFFFFF, NextHeader: h[6], PayloadLength: BinaryPrimitives.ReadUInt16BigEndian(h[4..])));
            at += 40;
            byte next = h[6];
            if (next == ProtoIpv6Fragment && b.Length - at >= 8)
            {
                var f = b[at..];
                ushort off = BinaryPrimitives.ReadUInt16BigEndian(f[2..]);
                var frag = new Ipv6FragmentLayer(BinaryPrimitives.ReadUInt32BigEndian(f[4..]), (ushort)(off >> 3), (off & 1) != 0, f[0]);
                layers.Add(frag);
                at += 8;
                if (frag.FragmentOffset != 0)
                {
                    return;
                }

                next = f[0];
            }

            DecodeL4(b, ref at, layers, next);
        }
    }

    private static void DecodeL4(ReadOnlySpan<byte> b, ref int at, List<Layer> layers, byte protocol)
    {
        var h = b[at..];
        switch (protocol)
        {
            case ProtoUdp when h.Length >= 8:
                {
                    var udp = new UdpLayer(BinaryPrimitives.ReadUInt16BigEndian(h), BinaryPrimitives.ReadUInt16BigEndian(h[2..]),
                        BinaryPrimitives.ReadUInt16BigEndian(h[4..]), BinaryPrimitives.ReadUInt16BigEndian(h[6..]));
                    layers.Add(udp);
                    at += 8;
                    if (udp.DestinationPort == VxlanLayer.Port && b.Length - at >= 8)
                    {
                        var v = b[at..];
                        layers.Add(new VxlanLayer(BinaryPrimitives.ReadUInt32BigEndian(v[4..]) >> 8, v[0]));
                        at += 8;
                        DecodeEthernet(b, ref at, layers);
                    }
                    else if (udp.DestinationPort == GeneveLayer.Port && b.Length - at >= 8)
                    {
                        var g = b[at..];
                        int optBytes = (g[0] & 0x3F) * 4;
                        if (g.Length < 8 + optBytes)
                        {
                            return;
                        }

                        var options = new List<GeneveOption>();
                        int o = 8;
                        while (o + 4 <= 8 + optBytes)
                        {
                            int len = (g[o + 3] & 0x1F) * 4;
                            if (o + 4 + len > 8 + optBytes)
                            {
                                break;
                            }

                            options.Add(new GeneveOption(BinaryPrimitives.ReadUInt16BigEndian(g[o..]), g[o + 2], g.Slice(o + 4, len).ToArray()));
                            o += 4 + len;
                        }

                        ushort proto = BinaryPrimitives.ReadUInt16BigEndian(g[2..]);
                        layers.Add(new GeneveLayer(BinaryPrimitives.ReadUInt32BigEndian(g[4..]) >> 8, options, (g[1] & 0x80) != 0, (g[1] & 0x40) != 0, proto));
                        at += 8 + optBytes;
                        if (proto == GeneveLayer.TransparentEthernetBridging)
                        {
                            DecodeEthernet(b, ref at, layers);
                        }
                    }

                    break;
                }

            case ProtoTcp when h.Length >= 20:
                {
                    int dataOffset = (h[12] >> 4) * 4;
                    ushort? mss = null;
                    if (dataOffset == 24 && h[20] == 2 && h[21] == 4)
                    {
                        mss = BinaryPrimitives.ReadUInt16BigEndian(h[22..]);
                    }
                    else if (dataOffset != 20)
                    {
                        return; // other options are not modelled: leave the segment as payload
                    }

                    layers.Add(new TcpLayer(BinaryPrimitives.ReadUInt16BigEndian(h), BinaryPrimitives.ReadUInt16BigEndian(h[2..]),
                        BinaryPrimitives.ReadUInt32BigEndian(h[4..]), BinaryPrimitives.ReadUInt32BigEndian(h[8..]),
                        (TcpFlags)(BinaryPrimitives.ReadUInt16BigEndian(h[12..]) & 0x1FF), BinaryPrimitives.ReadUInt16BigEndian(h[14..]),
                        mss, BinaryPrimitives.ReadUInt16BigEndian(h[18..]), BinaryPrimitives.ReadUInt16BigEndian(h[16..])));
                    at += dataOffset;
                    break;
                }

            case ProtoIcmp when h.Length >= 8:
                layers.Add(new Icmpv4Layer(h[0], h[1], BinaryPrimitives.ReadUInt32BigEndian(h[4..]), BinaryPrimitives.ReadUInt16BigEndian(h[2..])));
                at += 8;
                break;
            case ProtoIcmpv6 when h.Length >= 8:
                layers.Add(new Icmpv6Layer(h[0], h[1], BinaryPrimitives.ReadUInt32BigEndian(h[4..]), BinaryPrimitives.ReadUInt16BigEndian(h[2..])));
                at += 8;
                break;
        }
    }
}

/// <summary>The Internet checksum (RFC 1071) and the transport pseudo-headers of RFC 768/9293 and RFC 8200 §8.1.</summary>
public static class Checksum
{
    public static ushort Compute(ReadOnlySpan<byte> data) => Finish(Sum(data, 0));

    public static uint Sum(ReadOnlySpan<byte> data, uint sum)
    {
        int i = 0;
        for (; i + 1 < data.Length; i += 2)
        {
            sum += (uint)((data[i] << 8) | data[i + 1]);
        }

        if (i < data.Length)
        {
            sum += (uint)(data[i] << 8);
        }

        return sum;
    }

    public static ushort Finish(uint sum)
    {
        while ((sum >> 16) != 0)
        {
            sum = (sum & 0xFFFF) + (sum >> 16);
        }

        return (ushort)~sum;
    }

    /// <summary>Checksum of a transport segment (header with checksum field zero, plus payload) under the pseudo-header of its IP layer.</summary>
    public static ushort Transport(Layer? ip, byte protocol, ReadOnlySpan<byte> segment, bool zeroIsFfff)
    {
        uint sum = 0;
        Span<byte> addr = stackalloc byte[16];
        switch (ip)
        {
            case Ipv4Layer v4:
                v4.Source.TryWriteBytes(addr, out int n);
                sum = Sum(addr[..n], sum);
                v4.Destination.TryWriteBytes(addr, out n);
                sum = Sum(addr[..n], sum);
                sum += protocol;
                sum += (uint)segment.Length;
                break;
            case Ipv6Layer v6:
                v6.Source.TryWriteBytes(addr, out int m);
                sum = Sum(addr[..m], sum);
                v6.Destination.TryWriteBytes(addr, out m);
                sum = Sum(addr[..m], sum);
                sum += (uint)segment.Length >> 16;
                sum += (uint)segment.Length & 0xFFFF;
                sum += protocol;
                break;
            default:
                return 0;
        }

        ushort result = Finish(Sum(segment, sum));
        return zeroIsFfff && result == 0 ? (ushort)0xFFFF : result;
    }

    /// <summary>True when the bytes (checksum field included) sum to all ones.</summary>
    public static bool Verify(ReadOnlySpan<byte> data) => Compute(data) == 0;

    internal static bool IsV4(IPAddress a) => a.AddressFamily == AddressFamily.InterNetwork;
}
