using Dcnet.Design;

namespace Dcnet.Bonding;

/// <summary>What a bonding mode needs from the switch side.</summary>
public enum SwitchRequirement
{
    [Token("nothing"), Doc("Independent switch ports; the switches need not know about the bond.")]
    Nothing,

    [Token("static-lag"), Doc("A static link aggregation (EtherChannel 'mode on') on one switch or an MLAG pair.")]
    StaticLag,

    [Token("lacp"), Doc("An LACP (802.1AX) aggregation on one switch or on an MLAG pair presenting one system id.")]
    Lacp,
}

/// <summary>How a mode chooses the member a frame leaves on.</summary>
public enum TransmitPolicy
{
    /// <summary>Packet by packet in turn: one flow uses every member, and its packets can arrive out of order.</summary>
    PerPacket,

    /// <summary>One member at a time; the others wait.</summary>
    SingleActive,

    /// <summary><c>xmit_hash_policy % usable members</c>: one flow, one member.</summary>
    Hash,

    /// <summary>Every frame on every member.</summary>
    Replicate,

    /// <summary>Hash buckets placed on the least loaded member and rebalanced every 10 s (tlb_dynamic_lb).</summary>
    LoadBalanced,
}

/// <summary>The facts of one bonding mode a design review needs.</summary>
/// <param name="Mode">The mode.</param>
/// <param name="Switch">What the switch side must be configured as.</param>
/// <param name="Transmit">How frames are spread.</param>
/// <param name="Redundancy">Whether a member failure is survived.</param>
/// <param name="AggregateThroughput">Whether several flows together can use more than one member's speed.</param>
/// <param name="PerFlowLimitIsOneMember">Whether one flow is capped at one member's speed.</param>
/// <param name="ReceiveBalanced">Whether inbound traffic is spread (by the switch's hash, or by ALB's ARP rewriting).</param>
/// <param name="UsesHashPolicy">Whether xmit_hash_policy decides the member.</param>
/// <param name="Failure">What happens when a member fails, in one sentence.</param>
public sealed record BondModeInfo(
    BondMode Mode,
    SwitchRequirement Switch,
    TransmitPolicy Transmit,
    bool Redundancy,
    bool AggregateThroughput,
    bool PerFlowLimitIsOneMember,
    bool ReceiveBalanced,
    bool UsesHashPolicy,
    string Failure);

/// <summary>The seven Linux bonding modes (Documentation/networking/bonding.rst, kernel 6.1) and what each needs and gives.</summary>
public static class BondModes
{
    private static readonly BondModeInfo[] Table =
    [
        new(BondMode.BalanceRr, SwitchRequirement.StaticLag, TransmitPolicy.PerPacket, true, true, false, true, false,
            "The member leaves the round; until the link monitor notices, every flow loses the packets sent to it (1/N of all packets)."),
        new(BondMode.ActiveBackup, SwitchRequirement.Nothing, TransmitPolicy.SingleActive, true, false, true, false, false,
            "A backup becomes active and sends gratuitous ARP/unsolicited NA so the switches relearn the MAC; losing a backup costs nothing."),
        new(BondMode.BalanceXor, SwitchRequirement.StaticLag, TransmitPolicy.Hash, true, true, true, true, true,
            "The flows hashed to the member are lost until the monitor notices; then every flow is rehashed over the remaining members (hash % N-1), so most flows move."),
        new(BondMode.Broadcast, SwitchRequirement.StaticLag, TransmitPolicy.Replicate, true, false, true, false, false,
            "Nothing is lost: every frame already went out on every member (and arrives duplicated while all are up)."),
        new(BondMode.Lacp, SwitchRequirement.Lacp, TransmitPolicy.Hash, true, true, true, true, true,
            "Like balance-xor, and LACP also removes a member whose partner goes silent (after 3 s with lacp-rate fast, 90 s with slow), which miimon cannot see."),
        new(BondMode.BalanceTlb, SwitchRequirement.Nothing, TransmitPolicy.LoadBalanced, true, true, true, false, true,
            "The failed member's hash buckets move to the least loaded member; if it was the receiving member, another takes over its MAC."),
        new(BondMode.BalanceAlb, SwitchRequirement.Nothing, TransmitPolicy.LoadBalanced, true, true, true, true, false,
            "As balance-tlb; peers that were sent the failed member's MAC by ARP are re-taught by new ARP replies."),
    ];

    /// <summary>All seven modes, by mode number.</summary>
    public static IReadOnlyList<BondModeInfo> All => Table;

    public static BondModeInfo Of(BondMode mode) => Table[(int)mode];

    /// <summary>Whether the member is chosen by <c>xmit_hash_policy</c> modulo the usable members (balance-xor, 802.3ad).</summary>
    public static bool HashesModulo(BondMode mode) => mode is BondMode.BalanceXor or BondMode.Lacp;
}
