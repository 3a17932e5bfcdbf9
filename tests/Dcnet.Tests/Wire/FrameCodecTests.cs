using System.Net;
using Dcnet.Wire;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace Dcnet.Tests.Wire;

public class FrameCodecTests
{
    private static readonly MacAddress A = MacAddress.Parse("02:00:00:00:00:01");
    private static readonly MacAddress B = MacAddress.Parse("02:00:00:00:00:02");

    [Fact]
    public void Ipv4_header_checksum_matches_the_classic_worked_example()
    {
        // 45 00 00 73 00 00 40 00 40 11 [b8 61] c0 a8 00 01 c0 a8 00 c7: a header whose checksum is known to be 0xb861.
        var ip = new Ipv4Layer(IPAddress.Parse("192.168.0.1"), IPAddress.Parse("192.168.0.199"), Ttl: 64, DontFragment: true, Protocol: 17, TotalLength: 0x73);
        byte[] bytes = FrameCodec.Encode([new EthernetLayer(A, B), ip], new byte[0x73 - 20]);
        Assert.Equal(0xb861, (bytes[24] << 8) | bytes[25]);
        Assert.True(Checksum.Verify(bytes.AsSpan(14, 20)));
    }

    [Fact]
    public void Dot1q_tag_carries_pcp_dei_and_vid_after_the_tpid()
    {
        byte[] bytes = FrameCodec.Encode([new EthernetLayer(A, B), new VlanLayer(100, Pcp: 5, Dei: true), new Ipv4Layer(IPAddress.Parse("192.0.2.1"), IPAddress.Parse("192.0.2.2")), new UdpLayer(1234, 5678)], []);
        Assert.Equal(new byte[] { 0x81, 0x00, 0xB0, 0x64, 0x08, 0x00 }, bytes[12..18]);
        Assert.Equal(14 + 4 + 20 + 8, bytes.Length);
    }

    [Fact]
    public void Qinq_stacks_an_802_1ad_service_tag_before_the_customer_tag()
    {
        byte[] bytes = FrameCodec.Encode([new EthernetLayer(A, B), new VlanLayer(200, Tpid: VlanLayer.Dot1ad), new VlanLayer(100), new Ipv6Layer(IPAddress.Parse("2001:db8::1"), IPAddress.Parse("2001:db8::2")), new UdpLayer(1, 2)], []);
        Assert.Equal(new byte[] { 0x88, 0xA8, 0x00, 0xC8, 0x81, 0x00, 0x00, 0x64, 0x86, 0xDD }, bytes[12..22]);
    }

    [Fact]
    public void Vxlan_header_is_the_i_flag_and_a_24_bit_vni()
    {
        var frame = Vxlan(5000);
        byte[] bytes = FrameCodec.Encode(frame);
        Assert.Equal(new byte[] { 0x12, 0xB5 }, bytes[36..38]); // UDP destination port 4789
        Assert.Equal(new byte[] { 0x08, 0, 0, 0, 0x00, 0x13, 0x88, 0x00 }, bytes[42..50]);
        Assert.Equal(50, bytes.Length - FrameCodec.Encode(frame.Layers.Skip(4).ToList(), frame.Payload).Length); // VXLAN over IPv4 costs 50 bytes
    }

    [Fact]
    public void Geneve_with_ovns_option_costs_58_bytes_over_ipv4()
    {
        var inner = InnerTcp();
        var outer = new Layer[] { new EthernetLayer(A, B), new Ipv4Layer(IPAddress.Parse("10.0.0.1"), IPAddress.Parse("10.0.0.2")), new UdpLayer(50000, GeneveLayer.Port), new GeneveLayer(7, [GeneveOption.Ovn(3, 5)]) };
        byte[] bytes = FrameCodec.Encode([.. outer, .. inner.Layers], inner.Payload);
        Assert.Equal(58, bytes.Length - FrameCodec.Encode(inner).Length);
        // Version 0, 2 option words; protocol 0x6558; VNI 7; option class 0x0102, type 0x80, length 1 word; ingress key 3, egress key 5.
        Assert.Equal(new byte[] { 0x02, 0x00, 0x65, 0x58, 0, 0, 7, 0, 0x01, 0x02, 0x80, 0x01, 0x00, 0x03, 0x00, 0x05 }, bytes[42..58]);
    }

    [Fact]
    public void Ipv6_outer_header_adds_20_bytes_to_the_overhead()
    {
        var inner = InnerTcp();
        var outer = new Layer[] { new EthernetLayer(A, B), new Ipv6Layer(IPAddress.Parse("fd00::1"), IPAddress.Parse("fd00::2")), new UdpLayer(50000, VxlanLayer.Port), new VxlanLayer(1) };
        Assert.Equal(70, FrameCodec.Encode([.. outer, .. inner.Layers], inner.Payload).Length - FrameCodec.Encode(inner).Length);
    }

    [Fact]
    public void Udp_and_tcp_checksums_verify_over_the_pseudo_header()
    {
        foreach (var frame in new[] { InnerTcp(), Vxlan(9), V6Udp() })
        {
            byte[] bytes = FrameCodec.Encode(frame);
            var decoded = FrameCodec.Decode(bytes);
            Assert.Equal(frame.Layers.Count, decoded.Layers.Count);
            int ipAt = 14;
            var ip = decoded.Layers[1];
            int l4At = ipAt + ip.HeaderLength;
            byte proto = ip is Ipv4Layer v4 ? v4.Protocol!.Value : ((Ipv6Layer)ip).NextHeader!.Value;
            ushort computed = Checksum.Transport(ip, proto, ZeroChecksum(bytes[l4At..], proto), zeroIsFfff: proto == 17);
            ushort onWire = (ushort)((bytes[l4At + (proto == 6 ? 16 : 6)] << 8) | bytes[l4At + (proto == 6 ? 17 : 7)]);
            Assert.Equal(computed, onWire);
        }
    }

    [Fact]
    public void Tcp_mss_option_is_kind_2_length_4()
    {
        byte[] bytes = FrameCodec.Encode(InnerTcp());
        int tcp = 14 + 20;
        Assert.Equal(0x60, bytes[tcp + 12]); // data offset 6 words
        Assert.Equal(new byte[] { 2, 4, 0x05, 0xB4 }, bytes[(tcp + 20)..(tcp + 24)]);
    }

    [Fact]
    public void Icmp_fragmentation_needed_carries_the_next_hop_mtu_and_quotes_the_original()
    {
        var original = InnerTcp();
        var icmp = IcmpErrors.FragmentationNeeded(original, IPAddress.Parse("10.1.0.1"), B, A, 1400);
        byte[] bytes = FrameCodec.Encode(icmp);
        var decoded = FrameCodec.Decode(bytes);
        var layer = decoded.Find<Icmpv4Layer>()!;
        Assert.Equal((3, 4, 1400), (layer.Type, layer.Code, (int)layer.NextHopMtu));
        Assert.Equal(28, decoded.Payload.Length);
        Assert.True(Checksum.Verify(bytes.AsSpan(34)));
    }

    [Fact]
    public void Icmpv6_packet_too_big_carries_the_mtu()
    {
        var ptb = IcmpErrors.PacketTooBig(V6Udp(), IPAddress.Parse("2001:db8::ff"), B, A, 1280);
        var decoded = FrameCodec.Decode(FrameCodec.Encode(ptb));
        Assert.Equal((2, 0, 1280u), (decoded.Find<Icmpv6Layer>()!.Type, decoded.Find<Icmpv6Layer>()!.Code, decoded.Find<Icmpv6Layer>()!.Rest));
    }

    [Fact]
    public void Ipv4_fragments_have_8_byte_aligned_offsets_and_mf_on_all_but_the_last()
    {
        var frame = new Frame([new EthernetLayer(A, B), new Ipv4Layer(IPAddress.Parse("10.0.0.1"), IPAddress.Parse("10.0.0.2"), DontFragment: false, Identification: 77), new UdpLayer(1, 2)], new byte[2992]);
        var fragments = Fragmentation.FragmentIpv4(frame, 1500);
        Assert.Equal(3, fragments.Count);
        var ips = fragments.Select(f => FrameCodec.Decode(FrameCodec.Encode(f)).Find<Ipv4Layer>()!).ToList();
        Assert.Equal([0, 185, 370], ips.Select(i => (int)i.FragmentOffset));
        Assert.Equal([true, true, false], ips.Select(i => i.MoreFragments));
        Assert.Equal([1500, 1500, 60], ips.Select(i => (int)i.TotalLength!));
        Assert.All(ips, i => Assert.Equal(77, i.Identification));
    }

    [Fact]
    public void Ipv6_fragments_insert_a_fragment_header()
    {
        var fragments = Fragmentation.FragmentIpv6(V6Udp(3000), 1280, 0x1234);
        Assert.Equal(3, fragments.Count);
        var frags = fragments.Select(f => FrameCodec.Decode(FrameCodec.Encode(f)).Find<Ipv6FragmentLayer>()!).ToList();
        Assert.Equal([0, 154, 308], frags.Select(f => (int)f.FragmentOffset));
        Assert.All(fragments, f => Assert.True(FrameCodec.Encode(f).Length - 14 <= 1280));
    }

    [Fact]
    public void Decoding_then_encoding_gives_the_same_bytes()
    {
        foreach (var frame in new[] { InnerTcp(), Vxlan(5000), V6Udp(), Geneve() })
        {
            byte[] bytes = FrameCodec.Encode(frame);
            Assert.Equal(bytes, FrameCodec.Encode(FrameCodec.Decode(bytes)));
        }
    }

    [Property(MaxTest = 300)]
    public void Encode_then_decode_is_identity(byte kind, ushort sport, ushort dport, ushort vid, byte payload, bool v6, bool tagged, byte tunnel)
    {
        var frame = RandomFrame(kind, sport, dport, (ushort)(1 + (vid % 4094)), payload, v6, tagged, tunnel);
        byte[] bytes = FrameCodec.Encode(frame);
        var decoded = FrameCodec.Decode(bytes);
        Assert.Equal(bytes, FrameCodec.Encode(decoded));
        Assert.Equal(frame.Layers.Select(l => l.GetType()), decoded.Layers.Select(l => l.GetType()));
        Assert.Equal(frame.Payload, decoded.Payload);
    }

    internal static Frame RandomFrame(byte kind, ushort sport, ushort dport, ushort vid, byte payload, bool v6, bool tagged, byte tunnel)
    {
        var layers = new List<Layer> { new EthernetLayer(A, B) };
        if (tagged)
        {
            layers.Add(new VlanLayer(vid, (byte)(vid % 8)));
        }

        void Ip(bool six) => layers.Add(six ? new Ipv6Layer(IPAddress.Parse("2001:db8::1"), IPAddress.Parse("2001:db8::2")) : new Ipv4Layer(IPAddress.Parse("192.0.2.1"), IPAddress.Parse("192.0.2.2")));
        if (tunnel % 3 != 0)
        {
            Ip(v6);
            layers.Add(new UdpLayer(sport, tunnel % 3 == 1 ? VxlanLayer.Port : GeneveLayer.Port));
            layers.Add(tunnel % 3 == 1 ? new VxlanLayer(vid) : new GeneveLayer(vid, [GeneveOption.Ovn(1, 2)]));
            layers.Add(new EthernetLayer(B, A));
        }

        Ip(!v6 && kind % 2 == 0);
        bool six = layers[^1] is Ipv6Layer;
        layers.Add((kind % 4) switch
        {
            0 => new TcpLayer(sport, (ushort)(dport | 1), Mss: kind % 8 == 0 ? (ushort)1460 : null),
            1 => new UdpLayer(sport, (ushort)(dport == VxlanLayer.Port || dport == GeneveLayer.Port ? 53 : dport)),
            2 => six ? new Icmpv6Layer(Icmpv6Layer.EchoRequest, 0, sport) : new Icmpv4Layer(Icmpv4Layer.EchoRequest, 0, sport),
            _ => new UdpLayer(sport, 53),
        });
        return new Frame(layers, Enumerable.Range(0, payload).Select(i => (byte)i).ToArray());
    }

    internal static Frame InnerTcp() => new(
        [new EthernetLayer(A, B), new Ipv4Layer(IPAddress.Parse("198.51.100.1"), IPAddress.Parse("198.51.100.2")), new TcpLayer(33333, 443, Sequence: 1, Mss: 1460)],
        []);

    internal static Frame V6Udp(int payload = 16) => new(
        [new EthernetLayer(A, B), new Ipv6Layer(IPAddress.Parse("2001:db8::1"), IPAddress.Parse("2001:db8::2")), new UdpLayer(5353, 53)],
        new byte[payload]);

    internal static Frame Vxlan(uint vni)
    {
        var inner = InnerTcp();
        return new Frame([new EthernetLayer(A, B), new Ipv4Layer(IPAddress.Parse("192.0.2.1"), IPAddress.Parse("192.0.2.2")), new UdpLayer(49152, VxlanLayer.Port), new VxlanLayer(vni), .. inner.Layers], inner.Payload);
    }

    internal static Frame Geneve()
    {
        var inner = V6Udp();
        return new Frame([new EthernetLayer(A, B), new Ipv4Layer(IPAddress.Parse("192.0.2.1"), IPAddress.Parse("192.0.2.2")), new UdpLayer(49152, GeneveLayer.Port), new GeneveLayer(0x123456, [GeneveOption.Ovn(3, 4)]), .. inner.Layers], inner.Payload);
    }

    private static byte[] ZeroChecksum(byte[] segment, byte proto)
    {
        var copy = (byte[])segment.Clone();
        int at = proto == 6 ? 16 : proto == 58 ? 2 : 6;
        copy[at] = 0;
        copy[at + 1] = 0;
        return copy;
    }
}
