using Dcnet.Design;

namespace Dcnet.Sdn;

/// <summary>Where an ACL is evaluated (OVN NB ACL.direction).</summary>
public enum AclDirection
{
    /// <summary>Packets entering the switch from a port: the ingress pipeline's <c>ls_in_acl</c> stage.</summary>
    [Token("from-lport")]
    FromLport,

    /// <summary>Packets leaving the switch toward a port: the egress pipeline's <c>ls_out_acl</c> stage.</summary>
    [Token("to-lport")]
    ToLport,
}

/// <summary>An ACL verdict (OVN NB ACL.action; OVN 23.03 has exactly these five).</summary>
public enum AclAction
{
    /// <summary>Pass; on a stateful switch it also commits the connection, like allow-related.</summary>
    [Token("allow")]
    Allow,

    /// <summary>Pass and commit to conntrack, so replies and related traffic pass at priority 65532.</summary>
    [Token("allow-related")]
    AllowRelated,

    /// <summary>Pass without conntrack (the packet skips ct_next).</summary>
    [Token("allow-stateless")]
    AllowStateless,

    /// <summary>Drop silently.</summary>
    [Token("drop")]
    Drop,

    /// <summary>Drop and answer with a TCP RST or an ICMP unreachable toward the sender.</summary>
    [Token("reject")]
    Reject,
}

/// <summary>Which port field an ACL match tests.</summary>
public enum AclPortField
{
    /// <summary>No port test: the ACL applies to every port of every switch that holds it.</summary>
    None,

    /// <summary><c>inport == @pg</c> (from-lport ACLs).</summary>
    Inport,

    /// <summary><c>outport == @pg</c> (to-lport ACLs).</summary>
    Outport,
}

/// <summary>The L3 part of an ACL match.</summary>
public enum IpMatch
{
    /// <summary>No L3 test: every packet, ARP included.</summary>
    Any,

    /// <summary><c>ip</c>: IPv4 or IPv6.</summary>
    Ip,

    /// <summary><c>ip4</c>.</summary>
    Ip4,

    /// <summary><c>ip6</c>.</summary>
    Ip6,
}

/// <summary>The L4 part of an ACL match.</summary>
public enum L4Match
{
    /// <summary>Any IP protocol.</summary>
    Any,

    /// <summary><c>tcp</c>, optionally with <c>tcp.dst</c>.</summary>
    Tcp,

    /// <summary><c>udp</c>, optionally with <c>udp.dst</c>.</summary>
    Udp,

    /// <summary><c>icmp4</c> or <c>icmp6</c>, by the match's family.</summary>
    Icmp,
}

/// <summary>How an address field is tested.</summary>
public enum AddressTest
{
    /// <summary>Not tested.</summary>
    Any,

    /// <summary><c>ip4.src == {$a, $b}</c>: the address is in one of the sets.</summary>
    In,

    /// <summary><c>ip4.src != {$a, $b}</c>: the address is in none of the sets (OVN: AND of the negations).</summary>
    NotIn,
}

/// <summary>An address set named in a match: a port group's derived set (<c>$pg_web_ip4</c>) or an NB Address_Set.</summary>
/// <param name="PortGroup">The port group whose derived set this is, or -1.</param>
/// <param name="AddressSet">The NB Address_Set, or -1.</param>
public readonly record struct AddressSetRef(int PortGroup, int AddressSet)
{
    public static AddressSetRef OfPortGroup(int portGroup) => new(portGroup, -1);

    public static AddressSetRef OfAddressSet(int addressSet) => new(-1, addressSet);
}

/// <summary>A test of <c>ip4.src</c>/<c>ip6.src</c> or <c>.dst</c> against address sets.</summary>
public sealed record AddressMatch(AddressTest Test, IReadOnlyList<AddressSetRef> Sets)
{
    public static readonly AddressMatch Any = new(AddressTest.Any, []);
}

/// <summary>
/// The structured form of an ACL match: what dcnet renders into OVN's match language and what its evaluator tests.
/// The subset is the one dcnet generates: a port-group test, a family, source and destination address sets, a protocol
/// and destination ports. Address tests need a single family (OVN rejects a match mixing $x_ip4 and ip6 fields).
/// </summary>
public sealed record AclMatch
{
    public AclPortField PortField { get; init; }

    /// <summary>The port group the port field is tested against, or -1.</summary>
    public int PortGroup { get; init; } = -1;

    public IpMatch Ip { get; init; } = IpMatch.Ip;

    public AddressMatch Source { get; init; } = AddressMatch.Any;

    public AddressMatch Destination { get; init; } = AddressMatch.Any;

    public L4Match Protocol { get; init; }

    /// <summary>Destination ports for tcp/udp; <see cref="PortSet.All"/> means the port is not tested.</summary>
    public PortSet DestinationPorts { get; init; } = PortSet.All;

    /// <summary>The families the match admits.</summary>
    public bool Admits(IpFamily family) => Ip switch
    {
        IpMatch.Ip4 => family == IpFamily.Ipv4,
        IpMatch.Ip6 => family == IpFamily.Ipv6,
        _ => true,
    };

    /// <summary>The region of one family's header space the match's L4 part covers.</summary>
    public TrafficSpace Space => TrafficSpace.For(Protocol, Protocol is L4Match.Tcp or L4Match.Udp ? DestinationPorts : PortSet.All);

    /// <summary>The match in OVN's language, e.g. <c>outport == @pg_web &amp;&amp; ip4 &amp;&amp; ip4.src == $pg_app_ip4 &amp;&amp; tcp &amp;&amp; tcp.dst == {443, 8443}</c>.</summary>
    public string Render(LogicalNetwork model)
    {
        var parts = new List<string>();
        if (PortField != AclPortField.None)
        {
            parts.Add((PortField == AclPortField.Inport ? "inport == @" : "outport == @") + model.PortGroups[PortGroup].Name);
        }

        string? fam = Ip switch
        {
            IpMatch.Ip => "ip",
            IpMatch.Ip4 => "ip4",
            IpMatch.Ip6 => "ip6",
            _ => null,
        };
        if (fam is not null)
        {
            parts.Add(fam);
        }

        if (Source.Test != AddressTest.Any || Destination.Test != AddressTest.Any)
        {
            if (Ip is not (IpMatch.Ip4 or IpMatch.Ip6))
            {
                throw new InvalidOperationException("an address test needs a single family (ip4 or ip6)");
            }

            var family = Ip == IpMatch.Ip4 ? IpFamily.Ipv4 : IpFamily.Ipv6;
            AddAddress(parts, model, family, "src", Source);
            AddAddress(parts, model, family, "dst", Destination);
        }

        switch (Protocol)
        {
            case L4Match.Tcp or L4Match.Udp:
                string proto = Protocol == L4Match.Tcp ? "tcp" : "udp";
                parts.Add(proto);
                if (!DestinationPorts.IsAll)
                {
                    parts.Add(PortTest(proto + ".dst", DestinationPorts));
                }

                break;
            case L4Match.Icmp:
                parts.Add(Ip switch { IpMatch.Ip4 => "icmp4", IpMatch.Ip6 => "icmp6", _ => "icmp" });
                break;
        }

        return parts.Count == 0 ? "1" : string.Join(" && ", parts);
    }

    private static void AddAddress(List<string> parts, LogicalNetwork model, IpFamily family, string field, AddressMatch m)
    {
        if (m.Test == AddressTest.Any)
        {
            return;
        }

        var names = m.Sets.Select(s => "$" + (s.PortGroup >= 0
            ? OvnNames.PortGroupAddressSet(model.PortGroups[s.PortGroup].Name, family)
            : model.AddressSets[s.AddressSet].Name)).ToList();
        string value = names.Count == 1 ? names[0] : "{" + string.Join(", ", names) + "}";
        parts.Add(OvnNames.Suffix(family) + "." + field + (m.Test == AddressTest.In ? " == " : " != ") + value);
    }

    /// <summary><c>tcp.dst == {443, 8443}</c>, <c>(tcp.dst &gt;= 8000 &amp;&amp; tcp.dst &lt;= 8100)</c>, or their disjunction in parentheses.</summary>
    private static string PortTest(string field, PortSet ports)
    {
        var singles = new List<string>();
        var ranges = new List<string>();
        foreach (var r in ports.Ranges)
        {
            if (r.IsSingle)
            {
                singles.Add(r.First.ToString(System.Globalization.CultureInfo.InvariantCulture));
            }
            else
            {
                ranges.Add(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{field} >= {r.First} && {field} <= {r.Last}"));
            }
        }

        var terms = new List<string>();
        if (singles.Count == 1)
        {
            terms.Add(field + " == " + singles[0]);
        }
        else if (singles.Count > 1)
        {
            terms.Add(field + " == {" + string.Join(", ", singles) + "}");
        }

        // OVN needs parentheses wherever && and || meet.
        if (terms.Count == 0 && ranges.Count == 1)
        {
            return ranges[0];
        }

        terms.AddRange(ranges.Select(r => "(" + r + ")"));
        return terms.Count == 1 ? terms[0] : "(" + string.Join(" || ", terms) + ")";
    }
}

/// <summary>Why an ACL exists: which part of the design's policy it implements.</summary>
public enum AclPurpose
{
    /// <summary>The low-priority deny of a group's port group (policy between-groups: deny or reject).</summary>
    DefaultDeny,

    /// <summary>Traffic between members of one group (policy within-group).</summary>
    WithinGroup,

    /// <summary>An explicit policy rule.</summary>
    Rule,

    /// <summary>Built by hand or by another tool, not from a design.</summary>
    Other,
}

/// <summary>The design element an ACL comes from, for reports.</summary>
/// <param name="Purpose">Which part of the policy.</param>
/// <param name="RuleIndex">0-based index in policy.rules for <see cref="AclPurpose.Rule"/>, else -1.</param>
/// <param name="Group">The app group whose default this is, for defaults.</param>
/// <param name="Description">"default deny (policy between-groups: deny)", "rule 'web-to-db' (policy.rules[0])", ...</param>
/// <param name="At">Where in the design it was written.</param>
public sealed record AclOrigin(AclPurpose Purpose, int RuleIndex, Topology.AppGroup? Group, string Description, SourceLocation At);

/// <summary>An OVN NB ACL row, with its structured match and the design element it implements.</summary>
public sealed class Acl
{
    public required int Index { get; init; }

    /// <summary>NB ACL.name: unique in the model, at most 63 characters.</summary>
    public required string Name { get; init; }

    /// <summary>The port group whose <c>acls</c> column holds this ACL.</summary>
    public required PortGroup Owner { get; init; }

    public required AclDirection Direction { get; init; }

    /// <summary>0 to 32767; the logical flow priority is this plus 1000.</summary>
    public required int Priority { get; init; }

    public required AclMatch Match { get; init; }

    public required AclAction Action { get; init; }

    public required AclOrigin Origin { get; init; }

    /// <summary>The match in OVN's language, exactly as rendered into the NB database.</summary>
    public string MatchText { get; internal set; } = "";

    /// <summary>The OVN pipeline stage that evaluates this ACL.</summary>
    public string Stage => Direction == AclDirection.FromLport ? "ls_in_acl" : "ls_out_acl";

    public bool Allows => Action is AclAction.Allow or AclAction.AllowRelated or AclAction.AllowStateless;

    public override string ToString() => Name;
}
