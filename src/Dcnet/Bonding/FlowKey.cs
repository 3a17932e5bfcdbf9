using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using Dcnet.Wire;

namespace Dcnet.Bonding;

/// <summary>
/// A frame reduced to the 32-bit words the Linux bonding transmit hash combines, dissected once: the Ethernet word
/// of <c>bond_eth_hash()</c>, the source-MAC and VLAN words of vlan+srcmac, and for each of the two dissectors (the
/// bonding one behind layer2+3/layer3+4, the generic flow dissector behind encap2+3/encap3+4) whether it succeeded,
/// the XOR of the address words and the L4 word (ports, or the ICMP type/code/id word). 24 bytes, no references:
/// <see cref="TransmitHash"/> turns it into the hash of any policy without touching the frame again.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
public readonly record struct FlowKey
{
    private const byte BondOk = 1;
    private const byte EncapOk = 2;

    private readonly uint bondAddress;
    private readonly uint bondL4;
    private readonly uint encapAddress;
    private readonly uint encapL4;
    private readonly uint sourceMacWord;
    private readonly ushort ethWord;
    private readonly ushort vlanTci;
    private readonly byte flags;

    private FlowKey(ushort ethWord, uint sourceMacWord, ushort vlanTci, bool bondOk, uint bondAddress, uint bondL4, bool encapOk, uint encapAddress, uint encapL4)
    {
        this.ethWord = ethWord;
        this.sourceMacWord = sourceMacWord;
        this.vlanTci = vlanTci;
        this.bondAddress = bondAddress;
        this.bondL4 = bondL4;
        this.encapAddress = encapAddress;
        this.encapL4 = encapL4;
        flags = (byte)((bondOk ? BondOk : 0) | (encapOk ? EncapOk : 0));
    }

    /// <summary><c>dst[5] ^ src[5] ^ EtherType</c>: what layer2 hashes, and what every policy falls back to.</summary>
    public ushort EthWord => ethWord;

    /// <summary>The source MAC's OUI XOR its NIC half (24 bits), for vlan+srcmac.</summary>
    public uint SourceMacWord => sourceMacWord;

    /// <summary>The metadata TCI, 0 without a tag.</summary>
    public ushort VlanTci => vlanTci;

    /// <summary>True when <c>bond_flow_dissect()</c> found an IPv4/IPv6 header (layer2+3, layer3+4).</summary>
    public bool BondDissected => (flags & BondOk) != 0;

    /// <summary>Source XOR destination address words as the bonding dissector saw them.</summary>
    public uint BondAddress => bondAddress;

    /// <summary>The layer3+4 L4 word: the ICMP word for echo/timestamp, else the raw ports (0 for fragments).</summary>
    public uint BondL4 => bondL4;

    /// <summary>True when the generic flow dissector succeeded (encap2+3, encap3+4).</summary>
    public bool EncapDissected => (flags & EncapOk) != 0;

    public uint EncapAddress => encapAddress;

    public uint EncapL4 => encapL4;

    /// <summary>Dissects a bond-side skb with the kernel's own dissectors (<see cref="KernelTransmitHash"/>).</summary>
    public static FlowKey Dissect(in BondSkb skb)
    {
        var d = skb.Data;
        ushort eth = (ushort)KernelTransmitHash.EthHash(d);
        uint mac = 0;
        if (d.Length >= 14)
        {
            mac = (uint)((d[6] << 16) | (d[7] << 8) | d[8]) ^ (uint)((d[9] << 16) | (d[10] << 8) | d[11]);
        }

        var bond = default(KernelTransmitHash.FlowKeys);
        bool bondOk = KernelTransmitHash.BondFlowDissect(skb, XmitHashPolicy.Layer34, ref bond);
        var encap = default(KernelTransmitHash.FlowKeys);
        bool encapOk = KernelTransmitHash.BondFlowDissect(skb, XmitHashPolicy.Encap34, ref encap);
        return new FlowKey(eth, mac, skb.VlanTagPresent ? skb.VlanTci : (ushort)0,
            bondOk, bondOk ? bond.AddressWord() : 0, bondOk ? bond.L4Word() : 0,
            encapOk, encapOk ? encap.AddressWord() : 0, encapOk ? encap.L4Word() : 0);
    }

    /// <summary>Dissects a <see cref="Frame"/> as the bond would see it.</summary>
    public static FlowKey FromFrame(Frame frame, VlanTagging tagging = VlanTagging.Metadata) => Dissect(BondFrame.From(frame, tagging).Skb);

    /// <summary>
    /// Builds the key of a plain IP packet arithmetically, without bytes: TCP, UDP and the other protocols whose first
    /// 4 bytes the kernel reads as ports, ICMP/ICMPv6 echo (the id takes the place of the ports), and non-first
    /// fragments (no L4 word). Both dissectors agree on such packets. The VLAN tag, if any, is metadata.
    /// </summary>
    /// <param name="source">Source MAC.</param>
    /// <param name="destination">Destination MAC.</param>
    /// <param name="vlanTci">Metadata TCI (the VLAN id when the priority is 0), or null.</param>
    /// <param name="sourceIp">Source address; both addresses must be of one family.</param>
    /// <param name="destinationIp">Destination address.</param>
    /// <param name="protocol">IP protocol number.</param>
    /// <param name="sourcePort">Source port, or the echo id for ICMP.</param>
    /// <param name="destinationPort">Destination port (ignored for ICMP).</param>
    /// <param name="fragment">True for a non-first fragment.</param>
    public static FlowKey ForIp(MacAddress source, MacAddress destination, ushort? vlanTci, IPAddress sourceIp, IPAddress destinationIp,
        byte protocol, ushort sourcePort, ushort destinationPort, bool fragment = false)
    {
        ArgumentNullException.ThrowIfNull(sourceIp);
        ArgumentNullException.ThrowIfNull(destinationIp);
        bool v6 = sourceIp.AddressFamily == AddressFamily.InterNetworkV6;
        if (v6 != (destinationIp.AddressFamily == AddressFamily.InterNetworkV6))
        {
            throw new ArgumentException("source and destination must be of one address family", nameof(destinationIp));
        }

        uint address = AddressWord(sourceIp) ^ AddressWord(destinationIp);
        return ForIpWords(source, destination, vlanTci, v6, address, protocol, sourcePort, destinationPort, fragment);
    }

    /// <summary>
    /// <see cref="ForIp"/> with the addresses already folded into one word (<see cref="AddressWord"/> of each,
    /// XORed), for callers that build many flows between the same hosts.
    /// </summary>
    public static FlowKey ForIpWords(MacAddress source, MacAddress destination, ushort? vlanTci, bool ipv6, uint addressWord,
        byte protocol, ushort sourcePort, ushort destinationPort, bool fragment = false)
    {
        ushort etherType = ipv6 ? KernelTransmitHash.EthPIpv6 : KernelTransmitHash.EthPIp;
        ushort eth = (ushort)(source[5] ^ destination[5] ^ etherType);
        uint mac = ((uint)(source.Value >> 24) & 0xFFFFFF) ^ ((uint)source.Value & 0xFFFFFF);
        uint l4 = 0;
        if (!fragment)
        {
            bool echo = (protocol == 1 && !ipv6) || (protocol == 58 && ipv6);
            if (echo)
            {
                byte type = protocol == 1 ? (byte)8 : (byte)128;
                l4 = type | ((uint)(sourcePort == 0 ? 1 : sourcePort) << 16);
            }
            else if (KernelTransmitHash.ProtoPortsOffset(protocol) == 0)
            {
                // The two big-endian ports loaded as one little-endian word.
                l4 = BinaryPrimitives.ReverseEndianness(sourcePort) | ((uint)BinaryPrimitives.ReverseEndianness(destinationPort) << 16);
            }
            else if (protocol == 51)
            {
                throw new ArgumentException("AH's SPI sits after its header; build the frame and use Dissect", nameof(protocol));
            }
        }

        return new FlowKey(eth, mac, vlanTci ?? 0, true, addressWord, l4, true, addressWord, l4);
    }

    /// <summary>
    /// The word <c>flow_get_u32_src/dst()</c> gives an address: IPv4 as loaded raw on a little-endian CPU, IPv6 as the
    /// XOR of its four such words (<c>ipv6_addr_hash()</c>).
    /// </summary>
    public static uint AddressWord(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        Span<byte> b = stackalloc byte[16];
        address.TryWriteBytes(b, out int n);
        if (n == 4)
        {
            return BinaryPrimitives.ReadUInt32LittleEndian(b);
        }

        return BinaryPrimitives.ReadUInt32LittleEndian(b) ^ BinaryPrimitives.ReadUInt32LittleEndian(b[4..])
            ^ BinaryPrimitives.ReadUInt32LittleEndian(b[8..]) ^ BinaryPrimitives.ReadUInt32LittleEndian(b[12..]);
    }
}
