using System.Buffers.Binary;

namespace Dcnet.Bonding;

/// <summary>
/// The Linux 6.1 bonding transmit hash, transcribed function by function from <c>drivers/net/bonding/bond_main.c</c>
/// (<c>__bond_xmit_hash</c>, <c>bond_flow_dissect</c>, <c>bond_flow_ip</c>, <c>bond_eth_hash</c>,
/// <c>bond_vlan_srcmac_hash</c>, <c>bond_ip_hash</c>) and <c>net/core/flow_dissector.c</c>
/// (<c>__skb_flow_dissect</c> with the bonding key set). It reads the frame bytes on every call, as the kernel does.
/// This is the slow twin: <see cref="TransmitHash"/> computes the same values from a pre-dissected
/// <see cref="FlowKey"/>, and a property test holds the two together. Both are proven against the real driver by the
/// kernel-lab interop test.
/// </summary>
/// <remarks>
/// Every "raw" 32-bit value is a big-endian field of the packet used as a native integer on x86-64, so it is read
/// little-endian here. Not modelled: the encap3+4 shortcut that returns <c>skb->hash</c> when the stack already set
/// an L4 hash (locally generated TCP and connected UDP traffic), and BPF flow dissectors.
/// </remarks>
public static class KernelTransmitHash
{
    internal const ushort EthPIp = 0x0800;
    internal const ushort EthPIpv6 = 0x86DD;
    internal const ushort EthPArp = 0x0806;
    internal const ushort EthPRarp = 0x8035;
    internal const ushort EthPMplsUc = 0x8847;
    internal const ushort EthPMplsMc = 0x8848;
    internal const ushort EthPPppSes = 0x8864;
    internal const ushort EthPTipc = 0x88CA;
    internal const ushort EthPFcoe = 0x8906;
    internal const ushort EthPBatman = 0x4305;
    internal const ushort EthP1588 = 0x88F7;
    internal const ushort EthPPrp = 0x88FB;
    internal const ushort EthPHsr = 0x892F;
    internal const ushort EthPTeb = 0x6558;

    /// <summary>The hash <c>bond_xmit_hash()</c> returns for <paramref name="skb"/> under <paramref name="policy"/>.</summary>
    public static uint Compute(in BondSkb skb, XmitHashPolicy policy)
    {
        var d = skb.Data;
        if (policy == XmitHashPolicy.VlanSrcMac)
        {
            return VlanSrcMacHash(skb);
        }

        var flow = default(FlowKeys);
        if (policy == XmitHashPolicy.Layer2 || !BondFlowDissect(skb, policy, ref flow))
        {
            return EthHash(d);
        }

        uint hash;
        if (policy is XmitHashPolicy.Layer23 or XmitHashPolicy.Encap23)
        {
            hash = EthHash(d);
        }
        else
        {
            // memcpy(&hash, &flow.icmp, 4): struct flow_dissector_key_icmp { u8 type; u8 code; u16 id; } in memory order.
            hash = flow.IcmpId != 0 ? (uint)(flow.IcmpType | (flow.IcmpCode << 8) | (flow.IcmpId << 16)) : flow.Ports;
        }

        return IpHash(hash, flow, policy);
    }

    /// <summary><c>bond_ip_hash()</c>: fold the addresses in; only layer3+4 and encap3+4 drop bit 0 (since commit 49aefd131739).</summary>
    internal static uint IpHash(uint hash, in FlowKeys flow, XmitHashPolicy policy)
    {
        hash ^= flow.U32Dst() ^ flow.U32Src();
        hash ^= hash >> 16;
        hash ^= hash >> 8;
        return policy is XmitHashPolicy.Layer34 or XmitHashPolicy.Encap34 ? hash >> 1 : hash;
    }

    /// <summary><c>bond_eth_hash()</c>: last byte of each MAC and the whole EtherType of the frame bytes, in host order.</summary>
    internal static uint EthHash(ReadOnlySpan<byte> d) =>
        d.Length < 14 ? 0u : (uint)(d[5] ^ d[11] ^ BinaryPrimitives.ReadUInt16BigEndian(d[12..]));

    /// <summary><c>bond_vlan_srcmac_hash()</c>: the whole metadata TCI, the OUI and the NIC half of the source MAC.</summary>
    internal static uint VlanSrcMacHash(in BondSkb skb)
    {
        var d = skb.Data;
        if (d.Length < 14)
        {
            return 0;
        }

        uint vendor = 0, dev = 0;
        for (int i = 0; i < 3; i++)
        {
            vendor = (vendor << 8) | d[6 + i];
        }

        for (int i = 3; i < 6; i++)
        {
            dev = (dev << 8) | d[6 + i];
        }

        uint vlan = skb.VlanTagPresent ? skb.VlanTci : 0u;
        return vlan ^ vendor ^ dev;
    }

    /// <summary><c>bond_flow_dissect()</c>.</summary>
    internal static bool BondFlowDissect(in BondSkb skb, XmitHashPolicy policy, ref FlowKeys fk)
    {
        var d = skb.Data;
        int nhoff = skb.NetworkOffset;
        if (policy is XmitHashPolicy.Encap23 or XmitHashPolicy.Encap34)
        {
            fk = default;
            return SkbFlowDissect(skb, skb.Protocol, nhoff, ref fk);
        }

        bool l34 = policy == XmitHashPolicy.Layer34;
        int ipProto = -1;
        fk.Ports = 0;
        fk.IcmpType = 0;
        fk.IcmpCode = 0;
        fk.IcmpId = 0;
        if (!BondFlowIp(d, ref fk, skb.Protocol, ref nhoff, ref ipProto, l34))
        {
            return false;
        }

        // ICMP errors quote the header of the packet that caused them; the bond hashes that packet instead, so the
        // error follows its flow.
        if (ipProto is 1 or 58)
        {
            GetIcmpTci(d, ref fk, nhoff);
            if (ipProto == 1)
            {
                if (!IcmpIsErr(fk.IcmpType))
                {
                    return true;
                }

                nhoff += 8;
            }
            else
            {
                if (!Icmpv6IsErr(fk.IcmpType))
                {
                    return true;
                }

                nhoff += 8;
            }

            return BondFlowIp(d, ref fk, skb.Protocol, ref nhoff, ref ipProto, l34);
        }

        return true;
    }

    /// <summary><c>bond_flow_ip()</c>: no IHL check, no IPv6 extension-header walk, every IPv4 fragment loses its protocol.</summary>
    internal static bool BondFlowIp(ReadOnlySpan<byte> d, ref FlowKeys fk, ushort l2Proto, ref int nhoff, ref int ipProto, bool l34)
    {
        if (l2Proto == EthPIp)
        {
            if (nhoff + 20 > d.Length)
            {
                return false;
            }

            var iph = d[nhoff..];
            fk.AddrType = AddrType.Ipv4;
            fk.V4Src = BinaryPrimitives.ReadUInt32LittleEndian(iph[12..]);
            fk.V4Dst = BinaryPrimitives.ReadUInt32LittleEndian(iph[16..]);
            nhoff += (iph[0] & 0x0F) << 2;
            if ((BinaryPrimitives.ReadUInt16BigEndian(iph[6..]) & 0x3FFF) == 0)
            {
                ipProto = iph[9];
            }
        }
        else if (l2Proto == EthPIpv6)
        {
            if (nhoff + 40 > d.Length)
            {
                return false;
            }

            var iph6 = d[nhoff..];
            fk.AddrType = AddrType.Ipv6;
            fk.V6SrcHash = Ipv6AddrHash(iph6.Slice(8, 16));
            fk.V6DstHash = Ipv6AddrHash(iph6.Slice(24, 16));
            nhoff += 40;
            ipProto = iph6[6];
        }
        else
        {
            return false;
        }

        if (l34 && ipProto >= 0)
        {
            fk.Ports = GetPorts(d, nhoff, (byte)ipProto);
        }

        return true;
    }

    /// <summary>
    /// <c>__skb_flow_dissect()</c> with <c>flow_keys_bonding</c> and no flags: it walks VLAN tags, PPPoE, IPv6
    /// hop-by-hop/routing/destination options, GRE, IPIP and IPv6-in-IP, but not UDP tunnels (VXLAN, GENEVE).
    /// </summary>
    internal static bool SkbFlowDissect(in BondSkb skb, ushort proto, int nhoff, ref FlowKeys fk)
    {
        var d = skb.Data;
        int hlen = d.Length;
        int dissectorVlan = 0; // 0: FLOW_DISSECTOR_KEY_MAX (none seen), 1: VLAN, 2: CVLAN
        int numHdrs = 0;
        byte ipProto = 0;
        Ret fdret;

    ProtoAgain:
        fdret = Ret.Continue;
        switch (proto)
        {
            case EthPIp:
                {
                    if (nhoff + 20 > hlen || (d[nhoff] & 0x0F) < 5)
                    {
                        fdret = Ret.OutBad;
                        break;
                    }

                    var iph = d[nhoff..];
                    nhoff += (iph[0] & 0x0F) * 4;
                    ipProto = iph[9];
                    fk.AddrType = AddrType.Ipv4;
                    fk.V4Src = BinaryPrimitives.ReadUInt32LittleEndian(iph[12..]);
                    fk.V4Dst = BinaryPrimitives.ReadUInt32LittleEndian(iph[16..]);
                    if ((BinaryPrimitives.ReadUInt16BigEndian(iph[6..]) & 0x3FFF) != 0)
                    {
                        // Without FLOW_DISSECTOR_F_PARSE_1ST_FRAG even the first fragment stops here.
                        fk.IsFragment = true;
                        fdret = Ret.OutGood;
                    }

                    break;
                }

            case EthPIpv6:
                {
                    if (nhoff + 40 > hlen)
                    {
                        fdret = Ret.OutBad;
                        break;
                    }

                    var iph = d[nhoff..];
                    ipProto = iph[6];
                    nhoff += 40;
                    fk.AddrType = AddrType.Ipv6;
                    fk.V6SrcHash = Ipv6AddrHash(iph.Slice(8, 16));
                    fk.V6DstHash = Ipv6AddrHash(iph.Slice(24, 16));
                    break;
                }

            case 0x88A8:
            case 0x8100:
                {
                    if (dissectorVlan == 0 && skb.VlanTagPresent)
                    {
                        proto = skb.Protocol;
                    }
                    else
                    {
                        if (nhoff + 4 > hlen)
                        {
                            fdret = Ret.OutBad;
                            break;
                        }

                        proto = BinaryPrimitives.ReadUInt16BigEndian(d[(nhoff + 2)..]);
                        nhoff += 4;
                    }

                    if (dissectorVlan < 2)
                    {
                        dissectorVlan++;
                    }

                    fdret = Ret.ProtoAgain;
                    break;
                }

            case EthPPppSes:
                {
                    if (nhoff + 8 > hlen)
                    {
                        fdret = Ret.OutBad;
                        break;
                    }

                    // is_pppoe_ses_hdr_valid(): version 1, type 1, code 0.
                    if (d[nhoff] != 0x11 || d[nhoff + 1] != 0)
                    {
                        fdret = Ret.OutBad;
                        break;
                    }

                    ushort ppp = BinaryPrimitives.ReadUInt16BigEndian(d[(nhoff + 6)..]);
                    if ((ppp & 0x0100) != 0)
                    {
                        ppp >>= 8;
                        nhoff += 7;
                    }
                    else
                    {
                        nhoff += 8;
                    }

                    switch (ppp)
                    {
                        case 0x0021: proto = EthPIp; fdret = Ret.ProtoAgain; break;
                        case 0x0057: proto = EthPIpv6; fdret = Ret.ProtoAgain; break;
                        case 0x0281: proto = EthPMplsUc; fdret = Ret.ProtoAgain; break;
                        case 0x0283: proto = EthPMplsMc; fdret = Ret.ProtoAgain; break;
                        default: fdret = (ppp & 0x0101) == 0x0001 ? Ret.OutGood : Ret.OutBad; break;
                    }

                    break;
                }

            case EthPTipc:
                {
                    if (nhoff + 16 > hlen)
                    {
                        fdret = Ret.OutBad;
                        break;
                    }

                    // tipc_hdr_rps_key(): the source node (word 3), or a random key for link keepalives, which no
                    // model can predict; dcnet uses word 3 for both.
                    fk.AddrType = AddrType.Tipc;
                    fk.TipcKey = BinaryPrimitives.ReadUInt32LittleEndian(d[(nhoff + 12)..]);
                    fdret = Ret.OutGood;
                    break;
                }

            case EthPMplsUc:
            case EthPMplsMc:
                // The bonding key set has no MPLS keys, so __skb_flow_dissect_mpls() stops at once.
                fdret = Ret.OutGood;
                nhoff += 4;
                break;
            case EthPFcoe:
                if (hlen - nhoff < 38)
                {
                    fdret = Ret.OutBad;
                    break;
                }

                nhoff += 38;
                fdret = Ret.OutGood;
                break;
            case EthPArp:
            case EthPRarp:
                // No ARP key in the set: __skb_flow_dissect_arp() returns OUT_GOOD without reading anything.
                fdret = Ret.OutGood;
                break;
            case EthPBatman:
                {
                    // struct batadv_unicast_packet (10 bytes) followed by an Ethernet header.
                    if (nhoff + 24 > hlen || d[nhoff + 1] != 15 || d[nhoff] != 0x40)
                    {
                        fdret = Ret.OutBad;
                        break;
                    }

                    proto = BinaryPrimitives.ReadUInt16BigEndian(d[(nhoff + 22)..]);
                    nhoff += 24;
                    fdret = Ret.ProtoAgain;
                    break;
                }

            case EthP1588:
                if (nhoff + 34 > hlen)
                {
                    fdret = Ret.OutBad;
                    break;
                }

                nhoff += 34;
                fdret = Ret.OutGood;
                break;
            case EthPPrp:
            case EthPHsr:
                if (nhoff + 6 > hlen)
                {
                    fdret = Ret.OutBad;
                    break;
                }

                proto = BinaryPrimitives.ReadUInt16BigEndian(d[(nhoff + 4)..]);
                nhoff += 6;
                fdret = Ret.ProtoAgain;
                break;
            default:
                fdret = Ret.OutBad;
                break;
        }

        switch (fdret)
        {
            case Ret.OutGood:
                return true;
            case Ret.ProtoAgain:
                if (++numHdrs <= 15)
                {
                    goto ProtoAgain;
                }

                return true;
            case Ret.Continue:
            case Ret.IpProtoAgain:
                break;
            default:
                return false;
        }

    IpProtoAgain:
        fdret = Ret.Continue;
        switch (ipProto)
        {
            case 47:
                fdret = DissectGre(d, ref proto, ref nhoff);
                break;
            case 0:
            case 43:
            case 60:
                if (proto != EthPIpv6)
                {
                    break;
                }

                if (nhoff + 2 > hlen)
                {
                    fdret = Ret.OutBad;
                    break;
                }

                ipProto = d[nhoff];
                nhoff += (d[nhoff + 1] + 1) << 3;
                fdret = Ret.IpProtoAgain;
                break;
            case 44:
                if (proto != EthPIpv6)
                {
                    break;
                }

                if (nhoff + 8 > hlen)
                {
                    fdret = Ret.OutBad;
                    break;
                }

                fk.IsFragment = true;
                ipProto = d[nhoff];
                nhoff += 8;
                fdret = Ret.OutGood;
                break;
            case 4:
                proto = EthPIp;
                fdret = Ret.ProtoAgain;
                break;
            case 41:
                proto = EthPIpv6;
                fdret = Ret.ProtoAgain;
                break;
            case 137:
                proto = EthPMplsUc;
                fdret = Ret.ProtoAgain;
                break;
            case 1:
            case 58:
                GetIcmpTci(d, ref fk, nhoff);
                break;
        }

        if (!fk.IsFragment)
        {
            fk.Ports = GetPorts(d, nhoff, ipProto);
        }

        switch (fdret)
        {
            case Ret.ProtoAgain:
                if (++numHdrs <= 15)
                {
                    goto ProtoAgain;
                }

                break;
            case Ret.IpProtoAgain:
                if (++numHdrs <= 15)
                {
                    goto IpProtoAgain;
                }

                break;
            case Ret.OutGood:
            case Ret.Continue:
                break;
            default:
                return false;
        }

        return true;
    }

    /// <summary><c>__skb_flow_dissect_gre()</c>: versions 0 and 1 (PPTP), no routing; TEB skips the inner Ethernet header.</summary>
    private static Ret DissectGre(ReadOnlySpan<byte> d, ref ushort proto, ref int nhoff)
    {
        if (nhoff + 4 > d.Length)
        {
            return Ret.OutBad;
        }

        ushort flags = BinaryPrimitives.ReadUInt16BigEndian(d[nhoff..]);
        if ((flags & 0x4000) != 0)
        {
            return Ret.OutGood;
        }

        int version = flags & 0x0007;
        if (version > 1)
        {
            return Ret.OutGood;
        }

        proto = BinaryPrimitives.ReadUInt16BigEndian(d[(nhoff + 2)..]);
        if (version == 1 && !(proto == 0x880B && (flags & 0x2000) != 0))
        {
            return Ret.OutGood;
        }

        int offset = 4;
        if ((flags & 0x8000) != 0)
        {
            offset += 4;
        }

        if ((flags & 0x2000) != 0)
        {
            if (nhoff + offset + 4 > d.Length)
            {
                return Ret.OutBad;
            }

            offset += 4;
        }

        if ((flags & 0x1000) != 0)
        {
            offset += 4;
        }

        if (version == 0)
        {
            if (proto == EthPTeb)
            {
                if (nhoff + offset + 14 > d.Length)
                {
                    return Ret.OutBad;
                }

                proto = BinaryPrimitives.ReadUInt16BigEndian(d[(nhoff + offset + 12)..]);
                offset += 14;
            }
        }
        else
        {
            if ((flags & 0x0080) != 0)
            {
                offset += 4;
            }

            if (nhoff + offset + 4 > d.Length)
            {
                return Ret.OutBad;
            }

            ushort ppp = BinaryPrimitives.ReadUInt16BigEndian(d[(nhoff + offset + 2)..]);
            if (ppp == 0x0021)
            {
                proto = EthPIp;
            }
            else if (ppp == 0x0057)
            {
                proto = EthPIpv6;
            }

            offset += 4;
        }

        nhoff += offset;
        return Ret.ProtoAgain;
    }

    /// <summary><c>skb_flow_get_icmp_tci()</c>: type, code and, for echo and timestamp messages, the id in host order (0 becomes 1).</summary>
    internal static void GetIcmpTci(ReadOnlySpan<byte> d, ref FlowKeys fk, int thoff)
    {
        if (thoff + 8 > d.Length)
        {
            return;
        }

        fk.IcmpType = d[thoff];
        fk.IcmpCode = d[thoff + 1];
        if (IcmpHasId(d[thoff]))
        {
            ushort id = BinaryPrimitives.ReadUInt16BigEndian(d[(thoff + 4)..]);
            fk.IcmpId = id == 0 ? (ushort)1 : id;
        }
        else
        {
            fk.IcmpId = 0;
        }
    }

    /// <summary><c>icmp_has_id()</c>: echo, echo reply, timestamp, timestamp reply, ICMPv6 echo request and reply.</summary>
    internal static bool IcmpHasId(byte type) => type is 0 or 8 or 13 or 14 or 128 or 129;

    /// <summary><c>icmp_is_err()</c>: destination unreachable, source quench, redirect, time exceeded, parameter problem.</summary>
    internal static bool IcmpIsErr(byte type) => type is 3 or 4 or 5 or 11 or 12;

    /// <summary><c>icmpv6_is_err()</c>: destination unreachable, packet too big, time exceeded, parameter problem.</summary>
    internal static bool Icmpv6IsErr(byte type) => type is 1 or 2 or 3 or 4;

    /// <summary><c>__skb_flow_get_ports()</c>: the 4 bytes at the protocol's port offset, raw, or 0.</summary>
    internal static uint GetPorts(ReadOnlySpan<byte> d, int thoff, byte ipProto)
    {
        int poff = ProtoPortsOffset(ipProto);
        if (poff < 0 || thoff + poff + 4 > d.Length)
        {
            return 0;
        }

        return BinaryPrimitives.ReadUInt32LittleEndian(d[(thoff + poff)..]);
    }

    /// <summary><c>proto_ports_offset()</c>: TCP, UDP, DCCP, ESP (its SPI), SCTP, UDP-Lite at 0; AH's SPI at 4; others have none.</summary>
    internal static int ProtoPortsOffset(byte proto) => proto switch
    {
        6 or 17 or 33 or 50 or 132 or 136 => 0,
        51 => 4,
        _ => -1,
    };

    /// <summary><c>ipv6_addr_hash()</c> as x86-64 compiles it: two 64-bit loads XORed, then the halves XORed.</summary>
    internal static uint Ipv6AddrHash(ReadOnlySpan<byte> addr)
    {
        ulong x = BinaryPrimitives.ReadUInt64LittleEndian(addr) ^ BinaryPrimitives.ReadUInt64LittleEndian(addr[8..]);
        return (uint)(x ^ (x >> 32));
    }

    internal enum Ret
    {
        Continue,
        OutGood,
        OutBad,
        ProtoAgain,
        IpProtoAgain,
    }

    internal enum AddrType : byte
    {
        None,
        Ipv4,
        Ipv6,
        Tipc,
    }

    /// <summary>The fields of <c>struct flow_keys</c> the bonding hash reads.</summary>
    internal struct FlowKeys
    {
        public AddrType AddrType;
        public uint V4Src;
        public uint V4Dst;
        public uint V6SrcHash;
        public uint V6DstHash;
        public uint TipcKey;
        public uint Ports;
        public byte IcmpType;
        public byte IcmpCode;
        public ushort IcmpId;
        public bool IsFragment;

        /// <summary><c>flow_get_u32_src()</c>.</summary>
        public readonly uint U32Src() => AddrType switch
        {
            AddrType.Ipv4 => V4Src,
            AddrType.Ipv6 => V6SrcHash,
            AddrType.Tipc => TipcKey,
            _ => 0,
        };

        /// <summary><c>flow_get_u32_dst()</c>: TIPC has no destination.</summary>
        public readonly uint U32Dst() => AddrType switch
        {
            AddrType.Ipv4 => V4Dst,
            AddrType.Ipv6 => V6DstHash,
            _ => 0,
        };

        /// <summary>What the layer3+4 policies put before the addresses: the ICMP word when there is an id, else the ports.</summary>
        public readonly uint L4Word() => IcmpId != 0 ? (uint)(IcmpType | (IcmpCode << 8) | (IcmpId << 16)) : Ports;

        public readonly uint AddressWord() => U32Src() ^ U32Dst();
    }
}
