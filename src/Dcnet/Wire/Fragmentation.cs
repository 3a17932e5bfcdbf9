namespace Dcnet.Wire;

/// <summary>
/// IP fragmentation as routers (IPv4, RFC 791) and sources (IPv6, RFC 8200 §4.5) do it: fragment payloads are
/// multiples of 8 bytes except the last; each fragment repeats the unfragmentable headers.
/// </summary>
public static class Fragmentation
{
    /// <summary>
    /// Splits an IPv4 frame whose IP packet exceeds <paramref name="mtu"/>. The layers before the IPv4 header
    /// (Ethernet, tags) are repeated; the bytes after it become fragment payloads. Returns the frame itself when it fits.
    /// </summary>
    public static IReadOnlyList<Frame> FragmentIpv4(Frame frame, int mtu)
    {
        int ipIndex = IndexOf<Ipv4Layer>(frame);
        var ip = (Ipv4Layer)frame.Layers[ipIndex];
        byte[] encoded = FrameCodec.Encode(frame);
        int prefix = frame.Layers.Take(ipIndex).Sum(l => l.HeaderLength);
        int ipPayloadStart = prefix + ip.HeaderLength;
        byte[] ipPayload = encoded[ipPayloadStart..];
        if (ip.HeaderLength + ipPayload.Length <= mtu)
        {
            return [frame];
        }

        byte protocol = encoded[prefix + 9];
        int chunk = (mtu - ip.HeaderLength) / 8 * 8;
        var result = new List<Frame>();
        for (int offset = 0; offset < ipPayload.Length; offset += chunk)
        {
            int len = Math.Min(chunk, ipPayload.Length - offset);
            bool more = offset + len < ipPayload.Length || ip.MoreFragments;
            var fragIp = ip with
            {
                DontFragment = false,
                MoreFragments = more,
                FragmentOffset = (ushort)(ip.FragmentOffset + (offset / 8)),
                Protocol = protocol,
                TotalLength = null,
                HeaderChecksum = null,
            };
            result.Add(new Frame([.. frame.Layers.Take(ipIndex), fragIp], ipPayload[offset..(offset + len)]));
        }

        return result;
    }

    /// <summary>Splits an IPv6 frame at its source: a Fragment header goes after the IPv6 header.</summary>
    public static IReadOnlyList<Frame> FragmentIpv6(Frame frame, int mtu, uint identification)
    {
        int ipIndex = IndexOf<Ipv6Layer>(frame);
        var ip = (Ipv6Layer)frame.Layers[ipIndex];
        byte[] encoded = FrameCodec.Encode(frame);
        int prefix = frame.Layers.Take(ipIndex).Sum(l => l.HeaderLength);
        byte nextHeader = encoded[prefix + 6];
        byte[] ipPayload = encoded[(prefix + 40)..];
        if (40 + ipPayload.Length <= mtu)
        {
            return [frame];
        }

        int chunk = (mtu - 40 - 8) / 8 * 8;
        var result = new List<Frame>();
        for (int offset = 0; offset < ipPayload.Length; offset += chunk)
        {
            int len = Math.Min(chunk, ipPayload.Length - offset);
            var frag = new Ipv6FragmentLayer(identification, (ushort)(offset / 8), offset + len < ipPayload.Length, nextHeader);
            result.Add(new Frame([.. frame.Layers.Take(ipIndex), ip with { NextHeader = FrameCodec.ProtoIpv6Fragment, PayloadLength = null }, frag], ipPayload[offset..(offset + len)]));
        }

        return result;
    }

    private static int IndexOf<T>(Frame frame)
        where T : Layer
    {
        for (int i = 0; i < frame.Layers.Count; i++)
        {
            if (frame.Layers[i] is T)
            {
                return i;
            }
        }

        throw new ArgumentException("the frame has no " + typeof(T).Name);
    }
}

/// <summary>ICMP errors that tell a sender its packet was too big (RFC 1191 and RFC 8201).</summary>
public static class IcmpErrors
{
    /// <summary>
    /// ICMPv4 type 3 code 4 from <paramref name="router"/> back to the sender of <paramref name="original"/>, carrying the
    /// next-hop MTU and the original IP header plus the first 8 bytes of its payload (RFC 792).
    /// </summary>
    public static Frame FragmentationNeeded(Frame original, System.Net.IPAddress router, MacAddress routerMac, MacAddress senderMac, int nextHopMtu)
    {
        int ipIndex = original.Layers.ToList().FindIndex(l => l is Ipv4Layer);
        var ip = (Ipv4Layer)original.Layers[ipIndex];
        byte[] encoded = FrameCodec.Encode(original);
        int prefix = original.Layers.Take(ipIndex).Sum(l => l.HeaderLength);
        byte[] quoted = encoded[prefix..Math.Min(encoded.Length, prefix + 20 + 8)];
        return new Frame(
            [new EthernetLayer(senderMac, routerMac), new Ipv4Layer(router, ip.Source, DontFragment: false), new Icmpv4Layer(Icmpv4Layer.DestinationUnreachable, Icmpv4Layer.FragmentationNeeded, (uint)nextHopMtu)],
            quoted);
    }

    /// <summary>ICMPv6 Packet Too Big (RFC 4443 §3.2), quoting as much of the original as fits in the minimum MTU of 1280.</summary>
    public static Frame PacketTooBig(Frame original, System.Net.IPAddress router, MacAddress routerMac, MacAddress senderMac, int mtu)
    {
        int ipIndex = original.Layers.ToList().FindIndex(l => l is Ipv6Layer);
        var ip = (Ipv6Layer)original.Layers[ipIndex];
        byte[] encoded = FrameCodec.Encode(original);
        int prefix = original.Layers.Take(ipIndex).Sum(l => l.HeaderLength);
        byte[] quoted = encoded[prefix..Math.Min(encoded.Length, prefix + 1280 - 40 - 8)];
        return new Frame(
            [new EthernetLayer(senderMac, routerMac), new Ipv6Layer(router, ip.Source), new Icmpv6Layer(Icmpv6Layer.PacketTooBig, 0, (uint)mtu)],
            quoted);
    }
}
