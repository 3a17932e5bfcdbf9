using System.Net;
using Dcnet.Bonding;
using Dcnet.Wire;

namespace Dcnet.Tests.Bonding;

/// <summary>
/// Golden vectors of the Linux 6.1 bonding transmit hash, worked out by hand from <c>bond_main.c</c> and
/// <c>flow_dissector.c</c> and each confirmed by kernel-lab (the real driver) on the member it picks. They keep the fast
/// suite honest without qemu; the interop test (KernelBondHashTests) covers hundreds more flows.
/// Notation: E = dst[5] ^ src[5] ^ EtherType; A = src ^ dst address words (raw big-endian bytes loaded little-endian);
/// P = the two ports loaded as one little-endian word; fold(x) = x ^ x&gt;&gt;16, then ^ x&gt;&gt;8.
/// </summary>
public class TransmitHashGoldenTests
{
    private static readonly MacAddress A0A = MacAddress.Parse("02:00:00:00:00:0a");
    private static readonly MacAddress A0B = MacAddress.Parse("02:00:00:00:00:0b");

    private static FlowSpec Flow(string sip, string dip, string proto, ushort? sp, ushort? dp, ushort? vlan = null, bool frag = false) => new()
    {
        SourceMac = A0A,
        DestinationMac = A0B,
        Vlan = vlan,
        SourceIp = IPAddress.Parse(sip),
        DestinationIp = IPAddress.Parse(dip),
        Protocol = proto switch { "tcp" => 6, "udp" => 17, "icmp" => 1, _ => 58 },
        SourcePort = sp,
        DestinationPort = dp,
        Fragment = frag,
    };

    private static uint Hash(FlowSpec f, XmitHashPolicy p) => TransmitHash.Compute(FlowKey.Dissect(f.ToBondFrame().Skb), p);

    private static uint Slow(FlowSpec f, XmitHashPolicy p) => KernelTransmitHash.Compute(f.ToBondFrame().Skb, p);

    [Fact]
    public void Ipv4_tcp_40000_to_80_hashes_as_the_kernel_does_under_every_policy()
    {
        var f = Flow("10.0.0.1", "10.0.0.2", "tcp", 40000, 80);

        // layer2: E = 0x0b ^ 0x0a ^ 0x0800 = 0x0801, no fold, no shift (kernel: member 1 of 2, 0 of 3).
        Assert.Equal(0x00000801u, Hash(f, XmitHashPolicy.Layer2));

        // layer2+3: A = 0x0100000a ^ 0x0200000a = 0x03000000; fold(0x0801 ^ A) = 0x03030b0a; 6.1 keeps bit 0 (commit 49aefd131739).
        Assert.Equal(0x03030B0Au, Hash(f, XmitHashPolicy.Layer23));

        // layer3+4: P = LE(9c 40 00 50) = 0x5000409c; fold(P ^ A) = 0x5353138f, >> 1 = 0x29a989c7 (kernel: member 0 of 3).
        Assert.Equal(0x29A989C7u, Hash(f, XmitHashPolicy.Layer34));

        // The flow dissector finds the same headers, so encap2+3/3+4 equal layer2+3/3+4 here.
        Assert.Equal(0x03030B0Au, Hash(f, XmitHashPolicy.Encap23));
        Assert.Equal(0x29A989C7u, Hash(f, XmitHashPolicy.Encap34));

        // vlan+srcmac: no tag, OUI 0x020000 ^ NIC half 0x00000a.
        Assert.Equal(0x0002000Au, Hash(f, XmitHashPolicy.VlanSrcMac));
        Assert.Equal((1, 0), (TransmitHash.Member(FlowKey.Dissect(f.ToBondFrame().Skb), XmitHashPolicy.Layer2, 2), TransmitHash.Member(FlowKey.Dissect(f.ToBondFrame().Skb), XmitHashPolicy.Layer34, 3)));
    }

    [Fact]
    public void A_fragment_has_no_ports_for_layer3_4_but_keeps_its_layer2_3_member()
    {
        var f = Flow("10.0.0.1", "10.0.0.2", "udp", 40000, 80, frag: true);

        // ip_is_fragment() leaves ip_proto at -1, so P = 0: fold(0x03000000) >> 1 = 0x01818181 (kernel: member 1 of 3).
        Assert.Equal(0x01818181u, Hash(f, XmitHashPolicy.Layer34));
        Assert.Equal(0x01818181u, Hash(f, XmitHashPolicy.Encap34));
        Assert.Equal(0x03030B0Au, Hash(f, XmitHashPolicy.Layer23));
    }

    [Fact]
    public void Icmp_echo_hashes_its_id_not_its_sequence_under_layer3_4_only()
    {
        var f = Flow("10.0.0.1", "10.0.0.2", "icmp", 77, 1);

        // struct flow_dissector_key_icmp {type, code, id(host order)} copied as a word: 0x004d0008;
        // fold(0x004d0008 ^ A) >> 1 = 0x01a72723 (kernel: member 2 of 3).
        Assert.Equal(0x01A72723u, Hash(f, XmitHashPolicy.Layer34));
        Assert.Equal(Hash(f, XmitHashPolicy.Layer34), Hash(f with { DestinationPort = 9999 }, XmitHashPolicy.Layer34));
        Assert.NotEqual(Hash(f, XmitHashPolicy.Layer34), Hash(f with { SourcePort = 78 }, XmitHashPolicy.Layer34));
        Assert.Equal(0x03030B0Au, Hash(f, XmitHashPolicy.Layer23));
    }

    [Fact]
    public void Ipv6_udp_in_vlan_100_ignores_the_tag_except_under_vlan_srcmac()
    {
        var f = Flow("2001:db8::1", "2001:db8::2", "udp", 5353, 53, vlan: 100);

        // ipv6_addr_hash(2001:db8::1) = 0xb80d0120 ^ 0x01000000; A = 0x03000000 again.
        Assert.Equal(0x000086DCu, Hash(f, XmitHashPolicy.Layer2));
        Assert.Equal(0x03038559u, Hash(f, XmitHashPolicy.Layer23));

        // P = LE(14 e9 00 35) = 0x3500e914 -> 0x1b1b6fe5 (kernel: member 1 of 3).
        Assert.Equal(0x1B1B6FE5u, Hash(f, XmitHashPolicy.Layer34));

        // The metadata TCI (VLAN 100, priority 0) joins the source MAC words.
        Assert.Equal(0x0002006Eu, Hash(f, XmitHashPolicy.VlanSrcMac));
        Assert.Equal(Hash(f with { Vlan = null }, XmitHashPolicy.Layer34), Hash(f, XmitHashPolicy.Layer34));
    }

    [Fact]
    public void Non_ip_and_vxlan_frames_hash_on_what_the_dissectors_can_see()
    {
        // A non-IP EtherType (0x88b5) fails both dissectors: every policy but vlan+srcmac gives E (kernel: member 2 of 3).
        var nonIp = new FlowSpec { SourceMac = MacAddress.Parse("02:00:00:00:00:0c"), DestinationMac = A0B };
        foreach (var p in new[] { XmitHashPolicy.Layer2, XmitHashPolicy.Layer23, XmitHashPolicy.Layer34, XmitHashPolicy.Encap23, XmitHashPolicy.Encap34 })
        {
            Assert.Equal(0x000088B2u, Hash(nonIp, p));
        }

        // VXLAN: 6.1's flow dissector has no UDP-tunnel case, so encap3+4 hashes the outer headers like layer3+4.
        var vxlan = new FlowSpec
        {
            SourceMac = MacAddress.Parse("02:aa:00:00:00:01"),
            DestinationMac = MacAddress.Parse("02:aa:00:00:00:02"),
            SourceIp = IPAddress.Parse("192.0.2.1"),
            DestinationIp = IPAddress.Parse("192.0.2.2"),
            Protocol = 17,
            SourcePort = 55555,
            DestinationPort = 4789,
            Inner = Flow("198.51.100.1", "198.51.100.2", "tcp", 1234, 443),
        };
        Assert.Equal(0x5B5253BFu, Hash(vxlan, XmitHashPolicy.Layer34));
        Assert.Equal(0x5B5253BFu, Hash(vxlan, XmitHashPolicy.Encap34));
    }

    [Fact]
    public void Arp_fails_the_bonding_dissector_but_passes_the_flow_dissector_with_no_addresses()
    {
        var arp = FlowSamples.Special().Single(s => s.Name == "arp-request").Flow;

        // E = 0xff ^ 0x0a ^ 0x0806 = 0x08f3 for layer2, layer2+3 and layer3+4 (bond_flow_ip() knows only IPv4/IPv6).
        Assert.Equal(0x08F3u, Hash(arp, XmitHashPolicy.Layer23));

        // The flow dissector returns OUT_GOOD for ARP without reading it (no ARP key in the bonding set): A = 0, so
        // encap2+3 = fold(E) = 0x08fb and encap3+4 = fold(0) >> 1 = 0: every ARP frame on member 0. kernel-lab agrees.
        Assert.Equal(0x08FBu, Hash(arp, XmitHashPolicy.Encap23));
        Assert.Equal(0u, Hash(arp, XmitHashPolicy.Encap34));
    }

    [Fact]
    public void An_icmp_error_follows_the_flow_it_quotes_under_layer3_4_but_not_under_encap3_4()
    {
        var error = FlowSamples.Special().Single(s => s.Name == "icmp-port-unreachable").Flow;

        // The error quotes UDP 10.0.0.2:5353 -> 10.0.0.1:53. bond_flow_dissect() re-runs bond_flow_ip() on the quoted
        // header, so the error hashes as that flow (A is symmetric; the quoted ports keep their order).
        var quoted = new FlowSpec { SourceMac = A0B, DestinationMac = MacAddress.Parse("02:00:00:00:00:0a"), SourceIp = IPAddress.Parse("10.0.0.2"), DestinationIp = IPAddress.Parse("10.0.0.1"), Protocol = 17, SourcePort = 5353, DestinationPort = 53 };
        Assert.Equal(Hash(quoted, XmitHashPolicy.Layer34), Hash(error, XmitHashPolicy.Layer34));

        // The flow dissector does not descend into ICMP errors: outer addresses, no ports, id 0.
        Assert.Equal(TransmitHash.Fold(0x03000000) >> 1, Hash(error, XmitHashPolicy.Encap34));
    }

    [Fact]
    public void An_ipv6_hop_by_hop_header_hides_the_ports_from_layer3_4_but_not_from_encap3_4()
    {
        var hbh = FlowSamples.Special().Single(s => s.Name == "ipv6-hop-by-hop-tcp").Flow;
        var plain = new FlowSpec { SourceMac = A0A, DestinationMac = A0B, SourceIp = IPAddress.Parse("2001:db8::1"), DestinationIp = IPAddress.Parse("2001:db8::2"), Protocol = 6, SourcePort = 40000, DestinationPort = 80 };

        // bond_flow_ip() takes nexthdr 0 as the protocol: no ports. The flow dissector walks HOP/ROUTING/DEST.
        Assert.Equal(TransmitHash.Fold(0x03000000) >> 1, Hash(hbh, XmitHashPolicy.Layer34));
        Assert.Equal(Hash(plain, XmitHashPolicy.Layer34), Hash(hbh, XmitHashPolicy.Encap34));
    }

    [Fact]
    public void Ipip_hashes_the_inner_packet_under_encap_policies_only()
    {
        var ipip = FlowSamples.Special().Single(s => s.Name == "ipip").Flow;
        var inner = Flow("10.0.0.1", "10.0.0.2", "tcp", 40000, 80) with { SourceMac = A0A, DestinationMac = A0B };

        Assert.Equal(Hash(inner, XmitHashPolicy.Encap34), Hash(ipip, XmitHashPolicy.Encap34));
        Assert.NotEqual(Hash(inner, XmitHashPolicy.Layer34), Hash(ipip, XmitHashPolicy.Layer34));
    }

    [Fact]
    public void Mpls_on_a_vlan_device_gets_its_tag_pushed_into_the_frame_before_the_bond_hashes()
    {
        // Found by kernel-lab: the bond's mpls_features lack VLAN TX offload, so validate_xmit_vlan() inserts the tag;
        // the bond then sees EtherType 0x8100 and no metadata tag.
        var mpls = new FlowSpec { SourceMac = MacAddress.Parse("ba:23:94:c8:96:a3"), DestinationMac = MacAddress.Parse("ce:26:5d:96:8e:4d"), Vlan = 2019, EtherType = 0x8847 };
        Assert.Equal(0x4du ^ 0xa3u ^ 0x8100u, Hash(mpls, XmitHashPolicy.Layer2));
        Assert.Equal(0xba2394u ^ 0xc896a3u, Hash(mpls, XmitHashPolicy.VlanSrcMac));
    }

    [Fact]
    public void The_pre_dissected_key_and_the_kernel_transcription_agree_on_the_golden_flows()
    {
        var flows = new[] { Flow("10.0.0.1", "10.0.0.2", "tcp", 40000, 80), Flow("2001:db8::1", "2001:db8::2", "udp", 5353, 53, vlan: 100) }
            .Concat(FlowSamples.Special().Select(s => s.Flow));
        foreach (var f in flows)
        {
            foreach (var p in Enum.GetValues<XmitHashPolicy>())
            {
                Assert.Equal(Slow(f, p), Hash(f, p));
            }
        }
    }
}
