using Dcnet.Checks;
using Dcnet.Topology;

namespace Dcnet.Sdn;

/// <summary>
/// Micro-segmentation: the OVN ACLs dcnet derives from the policy, evaluated with OVN's semantics over the whole
/// group × group matrix (<see cref="SegmentationAudit"/>), compared with what the policy intends.
/// </summary>
public sealed class SdnChecks : ICheck
{
    public static readonly Rule Leak = new(
        "SDN001", Foundation.Sdn, Severity.Error,
        "Traffic the segmentation intent denies is allowed (leak)",
        "The intent is: rules in order, then within-group and between-groups for both families. OVN allows whatever no ACL matches, so a family left out of policy.families has no deny at all, and traffic the router source-NATs arrives as 'external' and can match a rule meant for the outside. Every group pair where the implemented ACLs admit more than the intent is a leak.",
        "Enforce every family the VM networks use (policy.families), and keep networks whose groups talk across the fabric routed.");

    public static readonly Rule Block = new(
        "SDN002", Foundation.Sdn, Severity.Error,
        "Traffic the segmentation intent allows is blocked",
        "An allow rule promises traffic that the logical network cannot carry (no path in that family: a network the fabric does not route, a missing prefix), or that an ACL drops because the router source-NATed it on the way.",
        "Make the networks reachable in that family, or let the rule match what the destination actually sees.");

    public static readonly Rule Asymmetry = new(
        "SDN003", Foundation.Sdn, Severity.Warning,
        "IPv4 and IPv6 get different verdicts (strict IPv4, open IPv6)",
        "Dual-stack VMs are reachable over both families; a rule written for one family only, or a family left out of policy.families, gives the same group pair a different verdict over IPv6 than over IPv4, which is how 'strict IPv4, wide-open IPv6' happens.",
        "Write rules for both families (the default) and enforce both in policy.families.");

    public static readonly Rule Shadowed = new(
        "SDN004", Foundation.Sdn, Severity.Warning,
        "Rule never decides: earlier rules cover everything it matches",
        "Rules apply highest priority first (design order); a rule whose every packet is already decided by earlier rules has no effect, and is usually a mistake in order or in scope.",
        "Move the rule above the rules that cover it, narrow those, or delete it.");

    public static readonly Rule MatchesNothing = new(
        "SDN005", Foundation.Sdn, Severity.Warning,
        "Rule matches no traffic",
        "A rule whose groups have no VMs, whose families no VM on either side has, or that names 'external' on both sides never matches a packet; it is dead weight in the ACL table and hides intent.",
        "Fix the rule's groups or families, or delete it.");

    public IReadOnlyList<Rule> Rules => [Leak, Block, Asymmetry, Shadowed, MatchesNothing];

    public IEnumerable<Finding> Run(Network network) => SegmentationAudit.Of(network).Findings;
}
