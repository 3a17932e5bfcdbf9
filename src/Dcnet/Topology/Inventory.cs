using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using Dcnet.Design;
using Dcnet.Reporting;
using Dcnet.Text;

namespace Dcnet.Topology;

/// <summary>The resolved inventory (<c>dcnet show</c>): counts, the address plan, hosts per leaf and VMs per host.</summary>
public static class Inventory
{
    private static string N(long v) => v.ToString("N0", CultureInfo.InvariantCulture);

    private static string Token<T>(T v)
        where T : struct, Enum => DesignBinder.EnumTokens.Of(typeof(T)).ToToken[v];

    public static string Text(Network n)
    {
        var d = n.Design;
        var sb = new StringBuilder();
        sb.Append(d.SourcePath).Append(": ").Append(d.Name).Append(" (").Append(Platforms.PlatformNames.Display(d.Platform)).Append(")\n\n");

        sb.Append("Counts\n");
        var counts = new TextTable("object", "count").AlignRight(1);
        foreach (var (name, value) in Counts(n))
        {
            counts.Add(name, N(value));
        }

        counts.WriteTo(sb);

        sb.Append("\nFabric\n");
        var fabric = new TextTable("device", "role", "AS", "loopback v4", "loopback v6", "links", "hosts", "mlag pair").AlignRight(5, 6);
        foreach (var s in n.Switches)
        {
            fabric.Add(s.Name, s.Role == DeviceRole.Spine ? "spine" : s.IsBorder ? "border leaf" : "leaf", s.Asn.ToString(), s.LoopbackV4?.ToString(), s.LoopbackV6?.ToString(),
                N(s.FabricLinks.Count), s.Role == DeviceRole.Leaf ? N(s.Hosts.Count) : "", s.MlagPair?.Name);
        }

        fabric.WriteTo(sb);

        sb.Append("\nAddress plan\n");
        var plan = new TextTable("network", "kind", "role", "vlan/vni", "mtu", "ipv4", "gateway4", "used/capacity", "ipv6", "gateway6", "used/capacity");
        foreach (var s in n.Segments)
        {
            string id = s.Vlan is { } v ? "vlan " + v : s.Vni is { } vni ? "vni " + vni.ToString(CultureInfo.InvariantCulture) : "";
            plan.Add(s.Name, Token(s.Kind), Token(s.Role), id, s.Mtu.ToString(),
                s.Ipv4?.ToString(), s.Gateway4?.ToString(), s.Ipv4 is null ? "" : Used(s.Endpoints - s.UnaddressedV4, s.CapacityV4),
                s.Ipv6?.ToString(), s.Gateway6?.ToString(), s.Ipv6 is null ? "" : Used(s.Endpoints - s.UnaddressedV6, s.CapacityV6));
        }

        plan.WriteTo(sb);

        sb.Append("\nHosts per leaf\n");
        var perLeaf = new TextTable("leaf", "hosts", "first", "last", "ports").AlignRight(1, 4);
        foreach (var leaf in n.Leaves)
        {
            perLeaf.Add(leaf.Name, N(leaf.Hosts.Count), leaf.Hosts.FirstOrDefault()?.Name, leaf.Hosts.LastOrDefault()?.Name, N(leaf.HostPorts.Count));
        }

        perLeaf.WriteTo(sb);

        sb.Append("\nVMs per host\n");
        var perHost = new TextTable("host", "group", "leaves", "tunnel endpoint", "vms", "first vm", "last vm").AlignRight(4);
        foreach (var h in n.Hosts)
        {
            perHost.Add(h.Name, h.Group.Name, string.Join("+", h.Leaves.Select(l => l.Name)), h.TunnelEndpoint?.V4?.ToString() ?? h.TunnelEndpoint?.V6?.ToString(),
                N(h.Vms.Count), h.Vms.FirstOrDefault()?.Name, h.Vms.LastOrDefault()?.Name);
        }

        perHost.WriteTo(sb);
        return sb.ToString();
    }

    private static string Used(int used, UInt128 capacity) =>
        string.Create(CultureInfo.InvariantCulture, $"{N(used)}/{(capacity > 1_000_000_000 ? "huge" : N((long)capacity))}");

    public static IReadOnlyList<(string Name, long Value)> Counts(Network n) =>
    [
        ("spines", n.Spines.Count),
        ("leaves", n.Leaves.Count),
        ("mlag pairs", n.MlagPairs.Count),
        ("fabric links", n.FabricLinks.Count),
        ("host groups", n.HostGroups.Count),
        ("hosts", n.Hosts.Count),
        ("nics", n.Hosts.Sum(h => (long)h.Nics.Count)),
        ("bonds", n.Hosts.Sum(h => (long)h.Bonds.Count)),
        ("networks", n.Segments.Count),
        ("app groups", n.Groups.Count),
        ("vms", n.Vms.Count),
        ("vnics", n.Vnics.Count),
        ("lb services", n.LoadBalancer?.Services.Count ?? 0),
    ];

    public static string Json(Network n) => JsonOutput.Write(w =>
    {
        var d = n.Design;
        w.WriteStartObject();
        w.WriteString("design", d.SourcePath);
        w.WriteString("name", d.Name);
        w.WriteString("platform", Token(d.Platform));
        w.WriteStartObject("counts");
        foreach (var (name, value) in Counts(n))
        {
            w.WriteNumber(CamelCase(name), value);
        }

        w.WriteEndObject();

        w.WriteStartArray("switches");
        foreach (var s in n.Switches)
        {
            w.WriteStartObject();
            w.WriteString("name", s.Name);
            w.WriteString("role", s.Role == DeviceRole.Spine ? "spine" : "leaf");
            w.WriteNumber("asn", s.Asn.Value);
            Ip(w, "loopbackV4", s.LoopbackV4);
            Ip(w, "loopbackV6", s.LoopbackV6);
            if (s.MlagPair is { } p)
            {
                w.WriteString("mlagPair", p.Name);
            }

            if (s.IsBorder)
            {
                w.WriteBoolean("border", true);
            }

            w.WriteEndObject();
        }

        w.WriteEndArray();

        w.WriteStartArray("fabricLinks");
        foreach (var l in n.FabricLinks)
        {
            w.WriteStartObject();
            w.WriteString("spine", l.Spine.Name);
            w.WriteString("spineInterface", l.SpineInterface);
            w.WriteString("leaf", l.Leaf.Name);
            w.WriteString("leafInterface", l.LeafInterface);
            w.WriteString("speed", l.Speed.ToString());
            w.WriteNumber("mtu", l.Mtu.Bytes);
            Ip(w, "spineV4", l.SpineV4);
            Ip(w, "leafV4", l.LeafV4);
            Ip(w, "spineV6", l.SpineV6);
            Ip(w, "leafV6", l.LeafV6);
            w.WriteEndObject();
        }

        w.WriteEndArray();

        w.WriteStartArray("networks");
        foreach (var s in n.Segments)
        {
            w.WriteStartObject();
            w.WriteString("name", s.Name);
            w.WriteString("kind", Token(s.Kind));
            w.WriteString("role", Token(s.Role));
            if (s.Vlan is { } vlan)
            {
                w.WriteNumber("vlan", vlan.Value);
            }

            if (s.Vni is { } vni)
            {
                w.WriteNumber("vni", vni);
            }

            w.WriteNumber("mtu", s.Mtu.Bytes);
            Family(w, "ipv4", s.Ipv4, s.Gateway4, s.CapacityV4, s.Endpoints - s.UnaddressedV4);
            Family(w, "ipv6", s.Ipv6, s.Gateway6, s.CapacityV6, s.Endpoints - s.UnaddressedV6);
            w.WriteEndObject();
        }

        w.WriteEndArray();

        w.WriteStartArray("leaves");
        foreach (var leaf in n.Leaves)
        {
            w.WriteStartObject();
            w.WriteString("name", leaf.Name);
            w.WriteStartArray("hosts");
            foreach (var h in leaf.Hosts)
            {
                w.WriteStringValue(h.Name);
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }

        w.WriteEndArray();

        w.WriteStartArray("hosts");
        foreach (var h in n.Hosts)
        {
            w.WriteStartObject();
            w.WriteString("name", h.Name);
            w.WriteString("group", h.Group.Name);
            w.WriteString("cluster", h.Group.Cluster);
            w.WriteStartArray("leaves");
            foreach (var l in h.Leaves)
            {
                w.WriteStringValue(l.Name);
            }

            w.WriteEndArray();
            w.WriteStartArray("nics");
            foreach (var nic in h.Nics)
            {
                w.WriteStartObject();
                w.WriteString("name", nic.Name);
                w.WriteString("speed", nic.Speed.ToString());
                w.WriteNumber("mtu", nic.Mtu.Bytes);
                if (nic.Bond is { } b)
                {
                    w.WriteString("bond", b.Name);
                }

                if (nic.Leaf is { } leaf)
                {
                    w.WriteString("leaf", leaf.Name);
                    w.WriteString("leafPort", nic.LeafPort);
                }

                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteStartArray("bonds");
            foreach (var b in h.Bonds)
            {
                w.WriteStartObject();
                w.WriteString("name", b.Name);
                w.WriteString("mode", Token(b.Mode));
                w.WriteString("xmitHashPolicy", Token(b.HashPolicy));
                w.WriteNumber("mtu", b.Mtu.Bytes);
                w.WriteStartArray("members");
                foreach (var m in b.Members)
                {
                    w.WriteStringValue(m.Name);
                }

                w.WriteEndArray();
                w.WriteStartArray("carries");
                foreach (var c in b.Carries)
                {
                    w.WriteStringValue(Token(c));
                }

                w.WriteEndArray();
                w.WriteStartArray("taggedVlans");
                foreach (var v in b.TaggedVlans)
                {
                    w.WriteNumberValue(v.Value);
                }

                w.WriteEndArray();
                if (b.NativeVlan is { } nv)
                {
                    w.WriteNumber("nativeVlan", nv.Value);
                }

                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteStartArray("interfaces");
            foreach (var i in h.Interfaces)
            {
                w.WriteStartObject();
                w.WriteString("name", i.Name);
                w.WriteString("network", i.Segment.Name);
                Ip(w, "ipv4", i.V4);
                Ip(w, "ipv6", i.V6);
                w.WriteNumber("mtu", i.Mtu.Bytes);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            if (h.IsSpeaker)
            {
                w.WriteBoolean("speaker", true);
            }

            w.WriteStartArray("vms");
            foreach (var vm in h.Vms)
            {
                w.WriteStringValue(vm.Name);
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }

        w.WriteEndArray();

        w.WriteStartArray("groups");
        foreach (var g in n.Groups)
        {
            w.WriteStartObject();
            w.WriteString("name", g.Name);
            w.WriteStartArray("networks");
            foreach (var s in g.Segments)
            {
                w.WriteStringValue(s.Name);
            }

            w.WriteEndArray();
            w.WriteNumber("vms", g.Vms.Count);
            w.WriteEndObject();
        }

        w.WriteEndArray();

        w.WriteStartArray("vms");
        foreach (var vm in n.Vms)
        {
            w.WriteStartObject();
            w.WriteString("name", vm.Name);
            w.WriteString("group", vm.Group.Name);
            if (vm.Host is { } host)
            {
                w.WriteString("host", host.Name);
            }

            w.WriteStartArray("nics");
            foreach (var v in vm.Vnics)
            {
                w.WriteStartObject();
                w.WriteString("network", v.Segment.Name);
                w.WriteString("mac", v.Mac.ToString());
                Ip(w, "ipv4", v.V4);
                Ip(w, "ipv6", v.V6);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }

        w.WriteEndArray();

        if (n.LoadBalancer is { } lb)
        {
            w.WriteStartObject("loadBalancer");
            w.WriteString("mode", Token(lb.Design.Mode));
            w.WriteNumber("asn", lb.Design.Asn.Value);
            w.WriteStartArray("services");
            foreach (var svc in lb.Services)
            {
                w.WriteStartObject();
                w.WriteString("name", svc.Name);
                Ip(w, "vipV4", svc.VipV4);
                Ip(w, "vipV6", svc.VipV6);
                w.WriteStartArray("endpoints");
                foreach (var e in svc.Endpoints)
                {
                    w.WriteStringValue(e.Name);
                }

                w.WriteEndArray();
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }

        w.WriteEndObject();
    });

    private static string CamelCase(string words)
    {
        var parts = words.Split(' ');
        return parts[0] + string.Concat(parts.Skip(1).Select(p => char.ToUpperInvariant(p[0]) + p[1..]));
    }

    private static void Ip(Utf8JsonWriter w, string name, IPAddress? a)
    {
        if (a is not null)
        {
            w.WriteString(name, a.ToString());
        }
    }

    private static void Family(Utf8JsonWriter w, string name, IPNetwork? prefix, IPAddress? gateway, UInt128 capacity, int used)
    {
        if (prefix is not { } p)
        {
            return;
        }

        w.WriteStartObject(name);
        w.WriteString("prefix", p.ToString());
        Ip(w, "gateway", gateway);
        if (capacity <= long.MaxValue)
        {
            w.WriteNumber("capacity", (long)capacity);
        }
        else
        {
            w.WriteString("capacity", capacity.ToString(CultureInfo.InvariantCulture));
        }

        w.WriteNumber("used", used);
        w.WriteEndObject();
    }
}
