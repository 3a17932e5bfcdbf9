using Dcnet.Design;

namespace Dcnet.Bonding;

/// <summary>
/// Whether tunnel endpoints put a hash of the inner flow into the outer UDP source port, per platform. When they do,
/// layer3+4 bonds (and fabric ECMP) spread one pair of hosts' tunnel traffic over members; when they do not, all
/// traffic between two tunnel endpoints has one outer 5-tuple and lands on one member.
/// </summary>
public static class OverlayEntropy
{
    /// <summary>Lowest source port of the Linux VXLAN device's default range (net.ipv4.ip_local_port_range).</summary>
    public const int VxlanPortMin = 32768;

    /// <summary>Highest source port of the default range.</summary>
    public const int VxlanPortMax = 60999;

    /// <summary>What the design's tunnels do: the overlay's <c>source-port-entropy</c>, else the platform's default.</summary>
    public static bool Applies(DesignDocument design)
    {
        ArgumentNullException.ThrowIfNull(design);
        return design.Overlay.SourcePortEntropy ?? PlatformDefault(design.Platform);
    }

    /// <summary>
    /// The platform's default (sources in <see cref="Source"/> and docs/bonding.md): confirmed in source for OVN/OVS
    /// and the Linux VXLAN device; assumed from the RFCs' recommendation for NSX and Hyper-V SDN, whose documentation
    /// available to dcnet says neither way. Set overlay.source-port-entropy when you know better.
    /// </summary>
    public static bool PlatformDefault(Platform platform) => true;

    /// <summary>True when the platform default is confirmed in source, false when it is assumed.</summary>
    public static bool Confirmed(Platform platform) => platform is Platform.Ove or Platform.Linux;

    /// <summary>Why dcnet assumes what it assumes for <paramref name="platform"/>.</summary>
    public static string Source(Platform platform) => platform switch
    {
        Platform.Ove => "OVN/OVS use the kernel GENEVE device, whose geneve_xmit() sets the source port with udp_flow_src_port(skb, 1, 65535): a hash of the inner flow (Linux 6.1 drivers/net/geneve.c)",
        Platform.Linux => "the Linux VXLAN device sets the source port with udp_flow_src_port() over its port range (32768-60999 by default): a hash of the inner flow (Linux 6.1 drivers/net/vxlan/vxlan_core.c)",
        Platform.Esc or Platform.Vmware => "assumed: NSX encapsulates in GENEVE, whose RFC 8926 section 3.3 (co-authored by VMware) says the source port should be a hash of the encapsulated headers; no NSX document available to dcnet confirms it",
        Platform.AzureLocal => "assumed: RFC 7348 section 5 says the VXLAN source port should be a hash of the inner headers; Microsoft's Hyper-V Network Virtualization documentation describes the VXLAN encapsulation but not its source port (set overlay.source-port-entropy: false if your hosts use a fixed one)",
        _ => "unknown platform",
    };

    /// <summary>
    /// The outer source port a tunnel endpoint sends an inner flow with. The kernel keys its flow hash with a per-boot
    /// random seed, so no model can predict the exact port; dcnet uses <paramref name="innerHash"/> (a deterministic
    /// stand-in with the same spread) scaled into the device's range the way <c>udp_flow_src_port()</c> scales it.
    /// Without entropy, every inner flow gets the same port.
    /// </summary>
    public static ushort SourcePort(OverlayType type, uint innerHash, bool entropy)
    {
        (int min, int max) = type == OverlayType.Vxlan ? (VxlanPortMin, VxlanPortMax) : (1, ushort.MaxValue);
        if (!entropy)
        {
            return (ushort)(type == OverlayType.Vxlan ? Wire.VxlanLayer.Port : Wire.GeneveLayer.Port);
        }

        return (ushort)((((ulong)innerHash * (ulong)(max - min)) >> 32) + (ulong)min);
    }
}
