using System.Globalization;
using System.Text;

namespace Dcnet.Sdn;

/// <summary>
/// How dcnet names OVN northbound objects. Port_Group and Address_Set names must match
/// <c>[a-zA-Z_.][a-zA-Z_.0-9]*</c> (ovn-nb.xml; the match-language lexer reads them as identifiers), so group names
/// are escaped injectively: letters and digits stay, <c>-</c> becomes <c>_</c>, <c>_</c> becomes <c>._</c> and any other
/// character becomes <c>.XXXX.</c> (its UTF-16 code in hex). <c>app-001</c> is <c>pg_app_001</c>; <c>app_001</c> is
/// <c>pg_app._001</c>. Other names (switches, ports, routers) may contain <c>-</c> and keep the design's spelling.
/// </summary>
public static class OvnNames
{
    /// <summary>Longest ACL name OVN accepts (ovn-nb.ovsschema: ACL.name maxLength 63).</summary>
    public const int MaxAclName = 63;

    /// <summary>The port group holding every vNIC port of an app group.</summary>
    public static string PortGroup(string appGroup) => "pg_" + Identifier(appGroup);

    /// <summary>The port group holding every VM port, used for rules from or to '*'.</summary>
    public const string AllVmsPortGroup = "dcnet_vms";

    /// <summary>The port group a rule gets when it names several groups (a glob) on the side its ACLs attach to: "dst" or "src".</summary>
    public static string RulePortGroup(int ruleNumber, string side) => "dcnet_rule" + ruleNumber.ToString(CultureInfo.InvariantCulture) + "_" + side;

    /// <summary>The address set of every VM network prefix of one family: what is not in it is 'external'.</summary>
    public static string VmNetworksAddressSet(Design.IpFamily family) => "dcnet_vm_networks_" + Suffix(family);

    /// <summary>The address set OVN itself derives from a port group's port addresses (<c>$pg_ip4</c>, <c>$pg_ip6</c>).</summary>
    public static string PortGroupAddressSet(string portGroup, Design.IpFamily family) => portGroup + "_" + Suffix(family);

    /// <summary>"ip4" or "ip6", as OVN spells the families.</summary>
    public static string Suffix(Design.IpFamily family) => family == Design.IpFamily.Ipv4 ? "ip4" : "ip6";

    /// <summary>The logical switch of a VM network.</summary>
    public static string Switch(string network) => "ls-" + network;

    /// <summary>The router-type port on a network's switch that patches it to the logical router.</summary>
    public static string SwitchRouterPort(string network) => "rtr-" + network;

    /// <summary>The localnet port of a VLAN-backed network (or of the external switch).</summary>
    public static string LocalnetPort(string network) => "ln-" + network;

    /// <summary>The logical router port facing a network.</summary>
    public static string RouterPort(string network) => "lrp-" + network;

    /// <summary>The logical router of a design.</summary>
    public static string Router(string design) => "lr-" + design;

    /// <summary>The physical network name localnet ports map to (ovn-bridge-mappings on the chassis).</summary>
    public const string PhysicalNetwork = "physnet";

    /// <summary>Escapes <paramref name="name"/> into an OVN identifier tail; injective, so two groups never share a port group.</summary>
    public static string Identifier(string name)
    {
        var sb = new StringBuilder(name.Length + 4);
        foreach (char c in name)
        {
            if (char.IsAsciiLetterOrDigit(c))
            {
                sb.Append(c);
            }
            else if (c == '-')
            {
                sb.Append('_');
            }
            else if (c == '_')
            {
                sb.Append("._");
            }
            else
            {
                sb.Append('.').Append(((int)c).ToString("x4", CultureInfo.InvariantCulture)).Append('.');
            }
        }

        return sb.ToString();
    }

    /// <summary>
    /// An ACL name: at most 63 characters from <c>[A-Za-z0-9_.:/-]</c>, so it prints unambiguously in ovn-trace's
    /// <c>LOG: ACL name=...</c> lines. Other characters become <c>_</c>; a long name keeps its head and tail.
    /// </summary>
    public static string AclName(string text)
    {
        var sb = new StringBuilder(text.Length);
        foreach (char c in text)
        {
            sb.Append(char.IsAsciiLetterOrDigit(c) || c is '_' or '.' or ':' or '/' or '-' ? c : '_');
        }

        string s = sb.ToString();
        return s.Length <= MaxAclName ? s : s[..40] + "~" + s[^(MaxAclName - 41)..];
    }
}
