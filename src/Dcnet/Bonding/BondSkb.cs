using System.Buffers.Binary;
using Dcnet.Wire;

namespace Dcnet.Bonding;

/// <summary>Where an 802.1Q tag of a frame is when the frame reaches the bond.</summary>
public enum VlanTagging
{
    /// <summary>
    /// The outermost tag is skb metadata (<c>skb->vlan_tci</c>), as for traffic from a VLAN device on the bond
    /// (<c>bond0.100</c>), a Linux bridge or OVS: the bond advertises VLAN TX offload, so the tag stays out of the
    /// frame bytes until the member NIC inserts it. Further tags (QinQ) stay in the bytes. This is the normal case.
    /// </summary>
    Metadata,

    /// <summary>
    /// Every tag is in the frame bytes and <c>skb->protocol</c> is the TPID, as for a tagged frame written to the
    /// bond with an AF_PACKET socket (kernel-lab's <c>inband</c> mode and its <c>hex</c> rows).
    /// </summary>
    InBand,
}

/// <summary>
/// The part of a kernel <c>sk_buff</c> that <c>bond_xmit_hash()</c> reads when a frame reaches the bond: the frame
/// bytes from the Ethernet header on (<c>skb->data</c>), <c>skb->protocol</c>, the network header offset and the
/// VLAN tag kept as metadata.
/// </summary>
public readonly ref struct BondSkb
{
    /// <summary>Creates the view from its parts, exactly as the kernel would hold them.</summary>
    public BondSkb(ReadOnlySpan<byte> data, ushort protocol, int networkOffset, ushort? vlanTci)
    {
        Data = data;
        Protocol = protocol;
        NetworkOffset = networkOffset;
        VlanTagPresent = vlanTci.HasValue;
        VlanTci = vlanTci ?? 0;
    }

    /// <summary>The frame bytes, starting at the destination MAC (<c>skb->data</c> at bond transmit).</summary>
    public ReadOnlySpan<byte> Data { get; }

    /// <summary><c>skb->protocol</c> in host order: the EtherType the stack assigned, 0x0800, 0x86DD, ...</summary>
    public ushort Protocol { get; }

    /// <summary><c>skb_network_offset()</c>: where the dissectors start reading the network header.</summary>
    public int NetworkOffset { get; }

    /// <summary>True when a VLAN tag travels as metadata (<c>skb_vlan_tag_present()</c>).</summary>
    public bool VlanTagPresent { get; }

    /// <summary>The whole metadata TCI (priority, DEI and VLAN id), 0 when there is none.</summary>
    public ushort VlanTci { get; }

    /// <summary>
    /// A frame written to the bond with an AF_PACKET raw socket whose protocol is the frame's EtherType. In 6.1,
    /// <c>packet_parse_headers()</c> moves the network header past all VLAN tags (<c>__vlan_get_protocol()</c>) but
    /// leaves <c>skb->protocol</c> at the TPID.
    /// </summary>
    public static BondSkb FromAfPacket(ReadOnlySpan<byte> frame)
    {
        if (frame.Length < 14)
        {
            return new BondSkb(frame, 0, 14, null);
        }

        ushort protocol = BinaryPrimitives.ReadUInt16BigEndian(frame[12..]);
        int offset = 14;
        if (IsVlanTpid(protocol))
        {
            // __vlan_get_protocol(): walk the tags; when one cannot be read it returns 0 and the header stays put.
            int depth = 14;
            ushort type = protocol;
            bool ok = true;
            int budget = 8;
            while (IsVlanTpid(type))
            {
                if (budget-- == 0 || depth + 4 > frame.Length || --budget == 0)
                {
                    ok = false;
                    break;
                }

                type = BinaryPrimitives.ReadUInt16BigEndian(frame[(depth + 2)..]);
                depth += 4;
            }

            if (ok && type != 0)
            {
                offset = depth;
            }
        }

        return new BondSkb(frame, protocol, offset, null);
    }

    /// <summary>True for the 802.1Q and 802.1ad TPIDs (<c>eth_type_vlan()</c>).</summary>
    public static bool IsVlanTpid(ushort etherType) => etherType is VlanLayer.Dot1Q or VlanLayer.Dot1ad;
}

/// <summary>Frame bytes and their bond-side skb, built from a <see cref="Frame"/> or a flow.</summary>
public sealed class BondFrame
{
    private BondFrame(byte[] bytes, ushort protocol, int networkOffset, ushort? vlanTci)
    {
        Bytes = bytes;
        Protocol = protocol;
        NetworkOffset = networkOffset;
        VlanTci = vlanTci;
    }

    /// <summary>The bytes the bond sees (without a metadata tag).</summary>
    public byte[] Bytes { get; }

    public ushort Protocol { get; }

    public int NetworkOffset { get; }

    /// <summary>The metadata TCI, when the outermost tag travels as metadata.</summary>
    public ushort? VlanTci { get; }

    public BondSkb Skb => new(Bytes, Protocol, NetworkOffset, VlanTci);

    /// <summary>
    /// The bond's view of <paramref name="frame"/> (layers outermost first, starting with Ethernet). With
    /// <see cref="VlanTagging.Metadata"/> the first tag becomes metadata; a second tag (QinQ) stays in the bytes with
    /// <c>skb->protocol</c> set to its TPID and the network header at the tag, as after <c>skb_vlan_untag()</c> on a
    /// bridge. With <see cref="VlanTagging.InBand"/> the frame is handled like an AF_PACKET write.
    /// </summary>
    public static BondFrame From(Frame frame, VlanTagging tagging = VlanTagging.Metadata)
    {
        ArgumentNullException.ThrowIfNull(frame);
        if (tagging == VlanTagging.InBand || frame.Layers.Count < 2 || frame.Layers[0] is not EthernetLayer eth || frame.Layers[1] is not VlanLayer tag)
        {
            return FromAfPacket(FrameCodec.Encode(frame));
        }

        ushort tci = (ushort)((tag.Pcp << 13) | (tag.Dei ? 0x1000 : 0) | (tag.Vid & 0x0FFF));
        var rest = new List<Layer>(frame.Layers.Count - 1) { eth with { EtherType = tag.EtherType } };
        rest.AddRange(frame.Layers.Skip(2));
        return FromVlanDevice(FrameCodec.Encode(rest, frame.Payload), tci, tag.Tpid);
    }

    /// <summary>Bytes written to the bond by an AF_PACKET socket (see <see cref="BondSkb.FromAfPacket"/>).</summary>
    public static BondFrame FromAfPacket(byte[] bytes)
    {
        var skb = BondSkb.FromAfPacket(bytes);
        return new BondFrame(bytes, skb.Protocol, skb.NetworkOffset, null);
    }

    /// <summary>
    /// Untagged bytes sent through a VLAN device on the bond, which puts <paramref name="vlanTci"/> in metadata.
    /// One exception, found with kernel-lab: the bond's <c>mpls_features</c> lack VLAN TX offload, so for an MPLS
    /// frame <c>validate_xmit_vlan()</c> pushes the tag into the bytes before the bond hashes (<c>skb->protocol</c>
    /// becomes the TPID, the network header stays where it was, 4 bytes further from the start).
    /// </summary>
    public static BondFrame FromVlanDevice(byte[] untagged, ushort? vlanTci, ushort tpid = VlanLayer.Dot1Q)
    {
        ArgumentNullException.ThrowIfNull(untagged);
        ushort protocol = untagged.Length >= 14 ? BinaryPrimitives.ReadUInt16BigEndian(untagged.AsSpan(12)) : (ushort)0;
        if (vlanTci is ushort tci && protocol is KernelTransmitHash.EthPMplsUc or KernelTransmitHash.EthPMplsMc)
        {
            byte[] tagged = new byte[untagged.Length + 4];
            untagged.AsSpan(0, 12).CopyTo(tagged);
            BinaryPrimitives.WriteUInt16BigEndian(tagged.AsSpan(12), tpid);
            BinaryPrimitives.WriteUInt16BigEndian(tagged.AsSpan(14), tci);
            untagged.AsSpan(12).CopyTo(tagged.AsSpan(16));
            return new BondFrame(tagged, tpid, 18, null);
        }

        return new BondFrame(untagged, protocol, 14, vlanTci);
    }
}
