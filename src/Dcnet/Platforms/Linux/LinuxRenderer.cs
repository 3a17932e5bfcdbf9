using System.Globalization;
using System.Text;
using Dcnet.Design;
using Dcnet.Text;
using Dcnet.Topology;

namespace Dcnet.Platforms.Linux;

/// <summary>
/// One iproute2 script per host: bonds with their mode and hash policy, VLAN interfaces with their addresses and
/// MTUs, a bridge per VM network (VLAN-backed or VXLAN-backed), and the default route via the management gateway.
/// </summary>
public sealed class LinuxRenderer : IRenderer
{
    public string Target => "linux";

    public string Description => "iproute2 scripts per host (bonds, VLANs, bridges, VXLAN, addresses)";

    public IReadOnlyList<RenderedFile> Render(Network network) =>
        network.Hosts.Select(h => new RenderedFile("hosts/" + h.Name + ".sh", Host(network, h))).ToList();

    private static string I(long v) => v.ToString(CultureInfo.InvariantCulture);

    public static string Host(Network network, Host host)
    {
        var sb = new StringBuilder();
        void L(string line) => sb.Append(line).Append('\n');
        L("#!/bin/sh");
        L($"# {host.Name} (host group {host.Group.Name}), rendered by dcnet from {network.Design.SourcePath}.");
        L("# Apply as root on a host whose NICs carry these names. Safe to read; it changes links when run.");
        L("set -e");
        foreach (var bond in host.Bonds)
        {
            L("");
            string members = string.Join(" ", bond.Members.Select(m => $"{m.Name} ({m.Leaf?.Name ?? "unplaced"} {m.LeafPort})"));
            L($"# {bond.Name}: {Tokens.Of(bond.Mode)} over {members}");
            var opts = new List<string> { "mode", Tokens.Of(bond.Mode) };
            if (bond.Mode is Bonding.BondMode.BalanceXor or Bonding.BondMode.Lacp or Bonding.BondMode.BalanceTlb or Bonding.BondMode.BalanceAlb)
            {
                opts.AddRange(["xmit_hash_policy", Tokens.Of(bond.HashPolicy)]);
            }

            opts.AddRange(["miimon", I((long)bond.Design.Miimon.TotalMilliseconds)]);
            if (bond.Design.Updelay > TimeSpan.Zero)
            {
                opts.AddRange(["updelay", I((long)bond.Design.Updelay.TotalMilliseconds)]);
            }

            if (bond.Design.Downdelay > TimeSpan.Zero)
            {
                opts.AddRange(["downdelay", I((long)bond.Design.Downdelay.TotalMilliseconds)]);
            }

            if (bond.Mode == Bonding.BondMode.Lacp)
            {
                opts.AddRange(["lacp_rate", Tokens.Of(bond.Design.LacpRate)]);
            }

            L($"ip link add {bond.Name} type bond {string.Join(' ', opts)}");
            foreach (var m in bond.Members)
            {
                L($"ip link set {m.Name} down");
                L($"ip link set {m.Name} mtu {m.Mtu} master {bond.Name}");
            }

            L($"ip link set {bond.Name} mtu {bond.Mtu} up");
            foreach (var m in bond.Members)
            {
                L($"ip link set {m.Name} up");
            }
        }

        foreach (var iface in host.Interfaces)
        {
            L("");
            L($"# {iface.Segment.Name} ({Tokens.Of(iface.Segment.Role)})");
            if (iface.Bond is { } b && iface.Name != b.Name)
            {
                L($"ip link add link {b.Name} name {iface.Name} type vlan id {iface.Segment.Vlan}");
            }

            L($"ip link set {iface.Name} mtu {iface.Mtu} up");
            if (iface.V4 is { } v4)
            {
                L($"ip addr add {v4}/{iface.Segment.Ipv4!.Value.PrefixLength} dev {iface.Name}");
            }

            if (iface.V6 is { } v6)
            {
                L($"ip -6 addr add {v6}/{iface.Segment.Ipv6!.Value.PrefixLength} dev {iface.Name} nodad");
            }
        }

        var vmBond = host.BondFor(TrafficClass.Vm);
        foreach (var s in network.Segments.Where(s => s.IsVmNetwork && host.Group.RunsVms))
        {
            L("");
            string bridge = "br-" + (s.Vlan is { } v ? "vlan" + v.ToString() : "vni" + I(s.Vni ?? 0));
            L($"# VM network {s.Name}: bridge {bridge}");
            L($"ip link add {bridge} type bridge");
            L($"ip link set {bridge} mtu {s.Mtu} up");
            if (s.Kind == NetworkKind.Localnet && vmBond is not null && s.Vlan is { } vlan)
            {
                string sub = vmBond.Name + "." + vlan.ToString();
                L($"ip link add link {vmBond.Name} name {sub} type vlan id {vlan}");
                L($"ip link set {sub} mtu {s.Mtu} master {bridge} up");
            }
            else if (s.Kind == NetworkKind.Overlay && host.TunnelEndpoint is { } tep && network.Design.Overlay.Type == OverlayType.Vxlan)
            {
                string vx = "vx" + I(s.Vni ?? 0);
                L($"ip link add {vx} type vxlan id {s.Vni} local {tep.V4 ?? tep.V6} dstport 4789 nolearning dev {tep.Name}");
                L($"ip link set {vx} mtu {s.Mtu} master {bridge} up");
            }
        }

        var mgmt = host.Interfaces.FirstOrDefault(i => i.Segment.Role == NetworkRole.Management);
        if (mgmt?.Segment.Gateway4 is { } gw4)
        {
            L("");
            L($"ip route replace default via {gw4} dev {mgmt.Name}");
            if (mgmt.Segment.Gateway6 is { } gw6)
            {
                L($"ip -6 route replace default via {gw6} dev {mgmt.Name}");
            }
        }

        return sb.ToString();
    }
}
