using System.Buffers.Binary;
using System.Net;
using Dcnet.Wire;

namespace Dcnet.Bonding;

/// <summary>
/// Deterministic sets of varied flows for tests, the kernel-lab interop test and benchmarks: IPv4 and IPv6; TCP, UDP,
/// ICMP echo, SCTP and opaque protocols; VLAN-tagged and untagged; fragments; non-IP frames; shared and distinct
/// MACs and addresses; VXLAN/GENEVE tunnels; and raw frames for what the columns cannot say (ARP, MPLS, IPIP, GRE,
/// ICMP errors, IPv6 extension headers, PPPoE, QinQ).
/// </summary>
public static class FlowSamples
{
    /// <summary><paramref name="count"/> flows drawn from <paramref name="seed"/>; the same arguments give the same flows.</summary>
    public static IReadOnlyList<FlowSpec> Varied(int seed, int count)
    {
        var rng = new Random(seed);
        var macs = Enumerable.Range(0, 6).Select(_ => RandomMac(rng)).ToArray();
        var v4 = Enumerable.Range(0, 6).Select(_ => RandomV4(rng)).ToArray();
        var v6 = Enumerable.Range(0, 6).Select(_ => RandomV6(rng)).ToArray();
        var list = new List<FlowSpec>(count);
        for (int i = 0; i < count; i++)
        {
            // Half the flows share a small pool of MACs and addresses (as hosts on one bond do), half are fresh.
            bool shared = rng.Next(2) == 0;
            var src = shared ? macs[rng.Next(macs.Length)] : RandomMac(rng);
            var dst = shared ? macs[rng.Next(macs.Length)] : RandomMac(rng);
            ushort? vlan = rng.Next(3) == 0 ? (ushort)rng.Next(1, 4095) : null;
            int kind = rng.Next(100);
            if (kind < 8)
            {
                ushort[] types = [FlowSpec.LocalExperimentalEtherType, 0x0806, 0x8847, 0x88CC, 0x8035];
                list.Add(new FlowSpec { SourceMac = src, DestinationMac = dst, Vlan = vlan, EtherType = types[rng.Next(types.Length)] });
                continue;
            }

            bool six = rng.Next(2) == 0;
            IPAddress sip, dip;
            if (six)
            {
                sip = shared ? v6[rng.Next(v6.Length)] : RandomV6(rng);
                dip = shared ? v6[rng.Next(v6.Length)] : RandomV6(rng);
            }
            else
            {
                sip = shared ? v4[rng.Next(v4.Length)] : RandomV4(rng);
                dip = shared ? v4[rng.Next(v4.Length)] : RandomV4(rng);
            }

            var f = new FlowSpec { SourceMac = src, DestinationMac = dst, Vlan = vlan, SourceIp = sip, DestinationIp = dip };
            ushort sp = (ushort)rng.Next(1, 65536), dp = WellKnownPort(rng);
            f = kind switch
            {
                < 40 => f with { Protocol = 6, SourcePort = sp, DestinationPort = dp },
                < 65 => f with { Protocol = 17, SourcePort = sp, DestinationPort = dp },
                < 75 => f with { Protocol = six ? (byte)58 : (byte)1, SourcePort = (ushort)rng.Next(0, 65536), DestinationPort = (ushort)rng.Next(0, 65536) },
                < 85 => f with { Protocol = rng.Next(2) == 0 ? (byte)6 : (byte)17, SourcePort = sp, DestinationPort = dp, Fragment = true },
                < 90 => f with { Protocol = 132, SourcePort = sp, DestinationPort = dp },
                // Protocols the dissectors do not parse further (GRE is left to Special(): its header would be payload).
                < 95 => f with { Protocol = (byte)(new[] { 89, 103, 112, 115 })[rng.Next(4)] },
                _ => Tunnel(f, rng),
            };
            list.Add(f);
        }

        return list;
    }

    private static FlowSpec Tunnel(FlowSpec outer, Random rng)
    {
        var inner = new FlowSpec
        {
            SourceMac = RandomMac(rng),
            DestinationMac = RandomMac(rng),
            SourceIp = RandomV4(rng),
            DestinationIp = RandomV4(rng),
            Protocol = 6,
            SourcePort = (ushort)rng.Next(1024, 65536),
            DestinationPort = 443,
        };
        return outer with
        {
            Protocol = 17,
            SourcePort = (ushort)rng.Next(1, 65536),
            DestinationPort = rng.Next(2) == 0 ? VxlanLayer.Port : GeneveLayer.Port,
            Inner = inner,
            Vni = (uint)rng.Next(1, 1 << 24),
        };
    }

    private static ushort WellKnownPort(Random rng)
    {
        ushort[] ports = [22, 53, 80, 443, 2049, 3260, 3300, 5432, 6081, 6443, 6800, 8080, 9000];
        return rng.Next(4) == 0 ? (ushort)rng.Next(1, 65536) : ports[rng.Next(ports.Length)];
    }

    private static MacAddress RandomMac(Random rng) => new((ulong)rng.NextInt64(0, 1L << 48) & 0xFEFF_FFFF_FFFFUL);

    private static IPAddress RandomV4(Random rng) => new([(byte)rng.Next(1, 224), (byte)rng.Next(256), (byte)rng.Next(256), (byte)rng.Next(1, 255)]);

    private static IPAddress RandomV6(Random rng)
    {
        byte[] b = new byte[16];
        rng.NextBytes(b);
        b[0] = 0x20;
        b[1] = 0x01;
        return new IPAddress(b);
    }

    /// <summary>
    /// Named raw frames for cases the CSV columns cannot express, each settling a point of the kernel's dissectors:
    /// ARP and MPLS (the flow dissector succeeds with no addresses), IPIP, 6in4 and GRE (the flow dissector hashes the
    /// inner packet), ICMP errors (layer2+3/3+4 hash the quoted packet), IPv6 extension headers (only the flow
    /// dissector walks them), first fragments, PPPoE, QinQ and in-band tags. No frame ends inside a header the kernel
    /// reads, so kernel-lab's trailing marker cannot change a result.
    /// </summary>
    public static IReadOnlyList<(string Name, FlowSpec Flow)> Special()
    {
        var a = MacAddress.Parse("02:00:00:00:00:0b");
        var b = MacAddress.Parse("02:00:00:00:00:0a");
        var list = new List<(string, FlowSpec)>();
        void Add(string name, byte[] frame) => list.Add((name, new FlowSpec { Raw = frame }));
        static byte[] Eth(MacAddress dst, MacAddress src, ushort type, params byte[][] parts)
        {
            var bytes = new List<byte>(64);
            var h = new byte[14];
            dst.WriteTo(h);
            src.WriteTo(h.AsSpan(6));
            BinaryPrimitives.WriteUInt16BigEndian(h.AsSpan(12), type);
            bytes.AddRange(h);
            foreach (var p in parts)
            {
                bytes.AddRange(p);
            }

            return [.. bytes];
        }

        static byte[] Ip4(string s, string d, byte proto, byte[] payload, ushort frag = 0)
        {
            var l = new Ipv4Layer(IPAddress.Parse(s), IPAddress.Parse(d), DontFragment: false, MoreFragments: (frag & 0x2000) != 0, FragmentOffset: (ushort)(frag & 0x1FFF), Identification: 1, Protocol: proto);
            return FrameCodec.Encode([l], payload);
        }

        static byte[] Ip6(string s, string d, byte next, byte[] payload) =>
            FrameCodec.Encode([new Ipv6Layer(IPAddress.Parse(s), IPAddress.Parse(d), NextHeader: next)], payload);

        static byte[] Tcp(ushort sp, ushort dp)
        {
            var t = new byte[20];
            BinaryPrimitives.WriteUInt16BigEndian(t, sp);
            BinaryPrimitives.WriteUInt16BigEndian(t.AsSpan(2), dp);
            t[7] = 1;
            t[12] = 0x50;
            t[13] = 0x02;
            return t;
        }

        static byte[] Udp(ushort sp, ushort dp, byte[]? body = null)
        {
            body ??= new byte[8];
            var u = new byte[8 + body.Length];
            BinaryPrimitives.WriteUInt16BigEndian(u, sp);
            BinaryPrimitives.WriteUInt16BigEndian(u.AsSpan(2), dp);
            BinaryPrimitives.WriteUInt16BigEndian(u.AsSpan(4), (ushort)u.Length);
            body.CopyTo(u, 8);
            return u;
        }

        static byte[] Cat(params byte[][] parts) => [.. parts.SelectMany(p => p)];
        static byte[] U16(params ushort[] v)
        {
            var r = new byte[v.Length * 2];
            for (int i = 0; i < v.Length; i++)
            {
                BinaryPrimitives.WriteUInt16BigEndian(r.AsSpan(i * 2), v[i]);
            }

            return r;
        }

        static byte[] U32(uint v)
        {
            var r = new byte[4];
            BinaryPrimitives.WriteUInt32BigEndian(r, v);
            return r;
        }

        byte[] arp = Cat(U16(1, 0x0800), [6, 4], U16(1), Mac(b), IPAddress.Parse("10.0.0.1").GetAddressBytes(), new byte[6], IPAddress.Parse("10.0.0.2").GetAddressBytes());
        Add("arp-request", Eth(MacAddress.Broadcast, b, 0x0806, arp));
        Add("rarp", Eth(MacAddress.Broadcast, b, 0x8035, arp));
        Add("mpls-ipv4-tcp", Eth(a, b, 0x8847, U32((100u << 12) | (1u << 8) | 64), Ip4("10.0.0.1", "10.0.0.2", 6, Tcp(40000, 80))));
        Add("ipip", Eth(a, b, 0x0800, Ip4("192.0.2.1", "192.0.2.2", 4, Ip4("10.0.0.1", "10.0.0.2", 6, Tcp(40000, 80)))));
        Add("6in4", Eth(a, b, 0x0800, Ip4("192.0.2.1", "192.0.2.2", 41, Ip6("2001:db8::1", "2001:db8::2", 6, Tcp(40000, 80)))));
        Add("4in6", Eth(a, b, 0x86DD, Ip6("2001:db8::1", "2001:db8::2", 4, Ip4("10.0.0.1", "10.0.0.2", 17, Udp(1, 2)))));
        Add("gre-ipv4", Eth(a, b, 0x0800, Ip4("192.0.2.1", "192.0.2.2", 47, Cat(U16(0, 0x0800), Ip4("10.0.0.1", "10.0.0.2", 17, Udp(5000, 6000))))));
        Add("gre-key-ipv4", Eth(a, b, 0x0800, Ip4("192.0.2.1", "192.0.2.2", 47, Cat(U16(0x2000, 0x0800), U32(42), Ip4("10.0.0.1", "10.0.0.2", 17, Udp(5000, 6000))))));
        Add("gre-teb", Eth(a, b, 0x0800, Ip4("192.0.2.1", "192.0.2.2", 47, Cat(U16(0, 0x6558), Eth(MacAddress.Parse("02:00:00:00:00:22"), MacAddress.Parse("02:00:00:00:00:21"), 0x0800, Ip4("10.0.0.1", "10.0.0.2", 6, Tcp(1234, 443)))))));
        byte[] quoted = Ip4("10.0.0.2", "10.0.0.1", 17, Udp(5353, 53));
        Add("icmp-port-unreachable", Eth(a, b, 0x0800, Ip4("10.0.0.1", "10.0.0.2", 1, Cat([3, 3, 0, 0, 0, 0, 0, 0], quoted[..28]))));
        Add("icmp-frag-needed", Eth(a, b, 0x0800, Ip4("10.0.0.1", "10.0.0.2", 1, Cat([3, 4, 0, 0, 0, 0, 0x05, 0x78], Ip4("10.0.0.2", "10.0.0.9", 6, Tcp(443, 51000))[..28]))));
        Add("icmp-redirect", Eth(a, b, 0x0800, Ip4("10.0.0.1", "10.0.0.2", 1, Cat([5, 1, 0, 0, 0, 0, 0, 0], quoted[..28]))));
        Add("icmp-timestamp", Eth(a, b, 0x0800, Ip4("10.0.0.1", "10.0.0.2", 1, Cat([13, 0, 0, 0, 0, 77, 0, 1], new byte[12]))));
        Add("icmp-echo-id-0", Eth(a, b, 0x0800, Ip4("10.0.0.1", "10.0.0.2", 1, Cat([8, 0, 0, 0, 0, 0, 0, 1], new byte[8]))));
        Add("icmp-echo-reply", Eth(a, b, 0x0800, Ip4("10.0.0.1", "10.0.0.2", 1, Cat([0, 0, 0, 0, 0x01, 0x2C, 0, 1], new byte[8]))));
        byte[] quoted6 = Ip6("2001:db8::2", "2001:db8::9", 6, Tcp(443, 51000));
        Add("icmpv6-packet-too-big", Eth(a, b, 0x86DD, Ip6("2001:db8::1", "2001:db8::2", 58, Cat([2, 0, 0, 0, 0, 0, 0x05, 0x00], quoted6[..48]))));
        Add("icmpv6-neighbor-solicitation", Eth(a, b, 0x86DD, Ip6("2001:db8::1", "ff02::1:ff00:2", 58, Cat([135, 0, 0, 0, 0, 0, 0, 0], IPAddress.Parse("2001:db8::2").GetAddressBytes()))));
        Add("icmpv6-echo", Eth(a, b, 0x86DD, Ip6("2001:db8::1", "2001:db8::2", 58, Cat([128, 0, 0, 0, 0, 77, 0, 1], new byte[8]))));
        Add("ipv6-hop-by-hop-tcp", Eth(a, b, 0x86DD, Ip6("2001:db8::1", "2001:db8::2", 0, Cat([6, 0, 5, 2, 0, 0, 1, 0], Tcp(40000, 80)))));
        Add("ipv6-dstopts-udp", Eth(a, b, 0x86DD, Ip6("2001:db8::1", "2001:db8::2", 60, Cat([17, 0, 1, 4, 0, 0, 0, 0], Udp(5353, 53)))));
        Add("ipv6-routing-tcp", Eth(a, b, 0x86DD, Ip6("2001:db8::1", "2001:db8::2", 43, Cat([6, 2, 0, 0, 0, 0, 0, 0], IPAddress.Parse("2001:db8::5").GetAddressBytes(), Tcp(40000, 80)))));
        Add("ipv6-hop-by-hop-icmpv6-echo", Eth(a, b, 0x86DD, Ip6("2001:db8::1", "2001:db8::2", 0, Cat([58, 0, 5, 2, 0, 0, 1, 0], [128, 0, 0, 0, 0, 77, 0, 1], new byte[8]))));
        Add("ipv6-first-fragment-tcp", Eth(a, b, 0x86DD, Ip6("2001:db8::1", "2001:db8::2", 44, Cat([6, 0, 0, 1, 0, 0, 0, 99], Tcp(40000, 80)))));
        Add("ipv4-first-fragment-tcp", Eth(a, b, 0x0800, Ip4("10.0.0.1", "10.0.0.2", 6, Tcp(40000, 80), frag: 0x2000)));
        byte[] withOptions = Ip4("10.0.0.1", "10.0.0.2", 6, Cat([0x94, 0x04, 0, 0], Tcp(40000, 80)));
        withOptions[0] = 0x46;
        Add("ipv4-options-tcp", Eth(a, b, 0x0800, withOptions));
        byte[] shortIhl = Ip4("10.0.0.1", "10.0.0.2", 6, Tcp(40000, 80));
        shortIhl[0] = 0x44;
        Add("ipv4-ihl-4", Eth(a, b, 0x0800, shortIhl));
        Add("esp", Eth(a, b, 0x0800, Ip4("10.0.0.1", "10.0.0.2", 50, Cat(U32(0x11223344), U32(1), new byte[8]))));
        Add("ah-tcp", Eth(a, b, 0x0800, Ip4("10.0.0.1", "10.0.0.2", 51, Cat([6, 4, 0, 0], U32(0x55667788), U32(1), new byte[12], Tcp(1, 2)))));
        Add("sctp", Eth(a, b, 0x0800, Ip4("10.0.0.1", "10.0.0.2", 132, Cat(U16(3868, 3868), new byte[8]))));
        Add("ospf", Eth(a, b, 0x0800, Ip4("10.0.0.1", "10.0.0.2", 89, Cat([2, 1], new byte[22]))));
        Add("qinq-inband", Eth(a, b, 0x88A8, U16(10, 0x8100, 20, 0x0800), Ip4("10.0.0.1", "10.0.0.2", 6, Tcp(40000, 80))));
        Add("dot1q-inband", Eth(a, b, 0x8100, U16(30, 0x0800), Ip4("10.0.0.1", "10.0.0.2", 6, Tcp(40000, 80))));
        Add("pppoe-ipv4", Eth(a, b, 0x8864, [0x11, 0, 0, 1, 0, 42], U16(0x0021), Ip4("10.0.0.1", "10.0.0.2", 6, Tcp(40000, 80))));
        Add("lldp", Eth(MacAddress.Parse("01:80:c2:00:00:0e"), b, 0x88CC, [2, 7, 4], Mac(b), new byte[20]));
        Add("ptp", Eth(MacAddress.Parse("01:1b:19:00:00:00"), b, 0x88F7, new byte[44]));
        Add("ipv4-ethertype-ipv6-inside", Eth(a, b, 0x0800, Ip6("2001:db8::1", "2001:db8::2", 6, Tcp(40000, 80))));
        Add("vxlan-over-ipv6", Eth(a, b, 0x86DD, Ip6("2001:db8::1", "2001:db8::2", 17, Udp(50000, 4789, Cat([8, 0, 0, 0, 0, 0, 42, 0], Eth(MacAddress.Parse("02:00:00:00:00:22"), MacAddress.Parse("02:00:00:00:00:21"), 0x0800, Ip4("10.0.0.1", "10.0.0.2", 6, Tcp(1234, 443))))))));
        Add("ipv6-in-ipv6", Eth(a, b, 0x86DD, Ip6("2001:db8::1", "2001:db8::2", 41, Ip6("2001:db8::10", "2001:db8::20", 17, Udp(1, 2)))));
        return list;
    }

    private static byte[] Mac(MacAddress m)
    {
        var r = new byte[6];
        m.WriteTo(r);
        return r;
    }
}
