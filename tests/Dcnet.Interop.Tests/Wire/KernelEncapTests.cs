using System.Net;
using Dcnet.Interop.Tests.Support;
using Dcnet.Wire;

namespace Dcnet.Interop.Tests.Wire;

/// <summary>
/// dcnet's 802.1Q, VXLAN and GENEVE frames against the bytes the real 8021q, vxlan and geneve drivers put on the wire
/// (Debian's 6.1 kernel in kernel-lab). dcnet builds each frame itself, from the same inner flow; the kernel's frame
/// must be identical byte for byte except for fields the kernel fills from its own state, listed in <see cref="StateFields"/>.
/// </summary>
public class KernelEncapTests
{
    /// <summary>The fields dcnet takes from the kernel's frame instead of predicting them, and why.</summary>
    public static readonly IReadOnlyList<string> StateFields =
    [
        "outer UDP source port: a flow hash with a per-boot random key (udp_flow_src_port); asserted inside the device's range: 32768-60999 for vxlan, 1-65535 for geneve",
        "outer IPv4 identification: the kernel's per-destination counter (ip_select_ident)",
    ];

    // The inner flows, in kernel-lab's CSV row format; kernel-lab builds them with IPv4 ID = row + 1, TTL 64, no DF,
    // TCP as a SYN with seq 1 and window 65535, ICMP as an echo request, and a 16-byte payload 00 01 .. 0f.
    private static readonly string[] Rows =
    [
        "02:00:00:00:00:0a,02:00:00:00:00:0b,,198.51.100.1,198.51.100.2,udp,33333,44444",
        "02:00:00:00:00:0a,02:00:00:00:00:0b,,198.51.100.1,198.51.100.2,tcp,40000,443",
        "02:00:00:00:00:0c,02:00:00:00:00:0d,,198.51.100.3,198.51.100.4,icmp,77,1",
        "02:00:00:00:00:0a,02:00:00:00:00:0b,,2001:db8:1::1,2001:db8:1::2,udp,5353,53",
        "02:00:00:00:00:0a,02:00:00:00:00:0b,,2001:db8:1::1,2001:db8:1::2,tcp,40001,8443",
    ];

    private static readonly MacAddress UnderlaySrc = MacAddress.Parse("02:00:00:00:01:01");
    private static readonly MacAddress UnderlayDst = MacAddress.Parse("02:00:00:00:01:02");

    [Fact]
    public void Dot1q_tagged_frames_equal_the_8021q_drivers_bytes()
    {
        KernelLab.Require();
        var kernel = Frames("--kind", "vlan", "--vid", "100");
        for (int i = 0; i < Rows.Length; i++)
        {
            var expected = FrameCodec.Encode(Encapsulation.Tag(Inner(i), 100));
            AssertSameBytes($"row {i} 802.1Q VID 100", expected, kernel[i]);
        }
    }

    [Fact]
    public void Vxlan_frames_equal_the_vxlan_drivers_bytes_over_ipv4_and_ipv6()
    {
        KernelLab.Require();
        foreach (string underlay in new[] { "4", "6" })
        {
            var kernel = Frames("--kind", "vxlan", "--vni", "5000", "--underlay", underlay);
            bool v6 = underlay == "6";
            for (int i = 0; i < Rows.Length; i++)
            {
                var (sport, id) = StateOf(kernel[i], v6, 32768, 60999);
                var outer = new TunnelEndpoints(UnderlaySrc, UnderlayDst, Underlay(v6, 1), Underlay(v6, 2), sport, DontFragment: false, Identification: id, UdpChecksum: true);
                var expected = FrameCodec.Encode(Encapsulation.Vxlan(Inner(i), 5000, outer));
                AssertSameBytes($"row {i} VXLAN VNI 5000 over IPv{underlay}", expected, kernel[i]);
            }
        }
    }

    [Fact]
    public void Geneve_frames_equal_the_geneve_drivers_bytes()
    {
        KernelLab.Require();
        var kernel = Frames("--kind", "geneve", "--vni", "1193046");
        for (int i = 0; i < Rows.Length; i++)
        {
            var (sport, id) = StateOf(kernel[i], v6: false, 1, 65535);

            // iproute2 6.1 creates geneve without udpcsum: the outer UDP checksum is 0 over IPv4.
            var outer = new TunnelEndpoints(UnderlaySrc, UnderlayDst, Underlay(false, 1), Underlay(false, 2), sport, DontFragment: false, Identification: id, UdpChecksum: false);
            var expected = FrameCodec.Encode(Encapsulation.Geneve(Inner(i), 1193046, outer));
            AssertSameBytes($"row {i} GENEVE VNI 0x123456", expected, kernel[i]);
        }
    }

    private static IPAddress Underlay(bool v6, int host) => IPAddress.Parse(v6 ? "2001:db8::" + host : "192.0.2." + host);

    /// <summary>Runs kernel-lab once for all rows; returns the frame bytes per row (exactly one frame each).</summary>
    private static byte[][] Frames(params string[] args)
    {
        var inner = Rows.SelectMany(r => new[] { "--inner", r }).ToArray();
        var rows = KernelLab.Run(["encap", .. args, .. inner]);
        var frames = new byte[Rows.Length][];
        foreach (var r in rows)
        {
            int index = int.Parse(r[0], System.Globalization.CultureInfo.InvariantCulture);
            Assert.True(r[1] == "0", $"row {index}: the kernel sent more than one frame (fragments?)");
            frames[index] = Convert.FromHexString(r[2]);
        }

        Assert.All(frames, f => Assert.NotNull(f));
        return frames;
    }

    private static (ushort Sport, ushort Id) StateOf(byte[] kernel, bool v6, int min, int max)
    {
        var decoded = FrameCodec.Decode(kernel);
        var udp = decoded.Find<UdpLayer>()!;
        Assert.InRange(udp.SourcePort, min, max);
        return (udp.SourcePort, v6 ? (ushort)0 : decoded.Find<Ipv4Layer>()!.Identification);
    }

    /// <summary>dcnet's own build of a kernel-lab row, following kernel-lab's documented conventions.</summary>
    internal static Frame Inner(int row)
    {
        var c = Rows[row].Split(',');
        var src = IPAddress.Parse(c[3]);
        var dst = IPAddress.Parse(c[4]);
        bool v6 = src.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6;
        ushort sport = ushort.Parse(c[6], System.Globalization.CultureInfo.InvariantCulture);
        ushort dport = ushort.Parse(c[7], System.Globalization.CultureInfo.InvariantCulture);
        Layer ip = v6 ? new Ipv6Layer(src, dst, HopLimit: 64) : new Ipv4Layer(src, dst, Ttl: 64, DontFragment: false, Identification: (ushort)(row + 1));
        Layer l4 = c[5] switch
        {
            "tcp" => new TcpLayer(sport, dport, Sequence: 1, Flags: TcpFlags.Syn, Window: 0xFFFF),
            "udp" => new UdpLayer(sport, dport),
            _ => new Icmpv4Layer(Icmpv4Layer.EchoRequest, 0, ((uint)sport << 16) | dport),
        };
        return new Frame([new EthernetLayer(MacAddress.Parse(c[1]), MacAddress.Parse(c[0])), ip, l4], Enumerable.Range(0, 16).Select(i => (byte)i).ToArray());
    }

    private static void AssertSameBytes(string what, byte[] expected, byte[] kernel)
    {
        if (expected.AsSpan().SequenceEqual(kernel))
        {
            return;
        }

        int first = 0;
        while (first < Math.Min(expected.Length, kernel.Length) && expected[first] == kernel[first])
        {
            first++;
        }

        var dcnetLayers = string.Join("\n  ", FrameCodec.Decode(expected).Layers.Select(l => l.ToString()));
        var kernelLayers = string.Join("\n  ", FrameCodec.Decode(kernel).Layers.Select(l => l.ToString()));
        Assert.Fail($"{what}: dcnet and the kernel differ first at byte {first} (dcnet {expected.Length} bytes, kernel {kernel.Length})\n" +
            $"dcnet:  {Convert.ToHexStringLower(expected)}\nkernel: {Convert.ToHexStringLower(kernel)}\ndcnet layers:\n  {dcnetLayers}\nkernel layers:\n  {kernelLayers}");
    }
}
