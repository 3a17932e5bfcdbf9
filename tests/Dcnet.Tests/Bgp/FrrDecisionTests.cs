using Dcnet.Bgp;

namespace Dcnet.Tests.Bgp;

/// <summary>
/// The port of FRR 8.4.4's best-path selection against outcomes observed on the installed FRR (the lab in
/// /work/notes/frr-bgp.md, §1.3): best path, multipath flags and the selectionReason string FRR prints.
/// </summary>
public class FrrDecisionTests
{
    private static readonly DecisionConfig Datacenter = new(DeterministicMed: true, MultipathRelax: true, CompareRouterId: false, MaximumPaths: 256);

    private static Candidate Received(uint peerAs, uint routerId, int hops, bool selected = false, uint nextHop = 0, bool med = false) => new()
    {
        AsPathLength = hops,
        FirstAs = peerAs,
        PeerAs = peerAs,
        PeerRouterId = routerId,
        HasMed = med,
        Su = new SuKey(4, nextHop == 0 ? routerId : nextHop),
        NextHop = NextHopKey.Ipv4(nextHop == 0 ? routerId : nextHop),
        Selected = selected,
    };

    private static Candidate Local() => new() { Local = true, HasMed = true, NextHop = NextHopKey.Local(true) };

    [Fact]
    public void A_single_path_is_best_because_it_is_the_first_path_received()
    {
        Candidate[] paths = [Received(65001, 101, 1)];
        var (best, reason) = FrrDecision.Select(paths, Datacenter);
        Assert.Equal(0, best);
        Assert.Equal("First path received", reason.Text());
    }

    [Fact]
    public void Paths_from_two_leaves_in_one_batch_pick_the_lower_router_id_and_ecmp_with_relax()
    {
        // s1 203.0.113.10/32 from l2 (RID .102, newest, head) and l1 (RID .101): "Router ID", l1 best, l2 multipath.
        Candidate[] paths = [Received(65002, 102, 2, nextHop: 3), Received(65001, 101, 2, nextHop: 1)];
        var (best, reason) = FrrDecision.Select(paths, Datacenter);
        Assert.Equal(1, best);
        Assert.True(paths[0].Multipath);
        Assert.False(paths[1].Multipath);
        Assert.Equal("Router ID", reason.Text());
    }

    [Fact]
    public void A_path_that_arrives_after_the_best_was_selected_loses_as_the_newer_path()
    {
        // l1 198.51.100.64/26: s1 selected first, s2 arrives later (head): best stays s1 with "Older Path".
        Candidate[] paths = [Received(65000, 202, 2, nextHop: 4), Received(65000, 201, 2, selected: true, nextHop: 0)];
        paths[1].NextHop = NextHopKey.Ipv4(0xC0000200);
        var (best, reason) = FrrDecision.Select(paths, Datacenter);
        Assert.Equal(1, best);
        Assert.True(paths[0].Multipath);
        Assert.Equal("Older Path", reason.Text());
    }

    [Fact]
    public void Compare_routerid_skips_the_older_path_step()
    {
        Candidate[] paths = [Received(65000, 201, 2, nextHop: 4), Received(65000, 202, 2, selected: true, nextHop: 5)];
        var (best, reason) = FrrDecision.Select(paths, Datacenter with { CompareRouterId = true });
        Assert.Equal(0, best);
        Assert.Equal("Router ID", reason.Text());
    }

    [Fact]
    public void The_reason_is_the_last_comparison_even_when_another_step_decided()
    {
        // l2 203.0.113.10/32: [h1 (new, 64512, 1 hop), s1 (3 hops), h2 (64513, 1 hop, current best)].
        // The main loop keeps h2 by "Older Path"; the multipath loop then compares s1 with h2 last: "AS Path".
        Candidate[] paths = [Received(64512, 111, 1, nextHop: 9), Received(65000, 201, 3, nextHop: 2), Received(64513, 112, 1, selected: true, nextHop: 11)];
        var (best, reason) = FrrDecision.Select(paths, Datacenter);
        Assert.Equal(2, best);
        Assert.True(paths[0].Multipath);
        Assert.False(paths[1].Multipath);
        Assert.Equal("AS Path", reason.Text());
    }

    [Fact]
    public void A_local_network_wins_over_a_received_copy_by_weight()
    {
        Candidate[] paths = [Received(64512, 113, 4, nextHop: 13), Local()];
        var (best, reason) = FrrDecision.Select(paths, Datacenter);
        Assert.Equal(1, best);
        Assert.False(paths[0].Multipath);
        Assert.Equal("Weight", reason.Text());
    }

    [Fact]
    public void Without_multipath_relax_only_paths_from_the_best_paths_neighbour_as_are_multipath()
    {
        Candidate[] paths = [Received(64513, 112, 1, nextHop: 11), Received(64512, 111, 1, nextHop: 9)];
        FrrDecision.Select(paths, Datacenter with { MultipathRelax = false });
        Assert.False(paths[0].Multipath);

        Candidate[] sameAs = [Received(65000, 202, 2, nextHop: 4), Received(65000, 201, 2, nextHop: 1)];
        FrrDecision.Select(sameAs, Datacenter with { MultipathRelax = false });
        Assert.True(sameAs[0].Multipath);
    }

    [Fact]
    public void Maximum_paths_counts_the_best_path_and_keeps_the_lowest_next_hops()
    {
        Candidate[] paths = [Received(65003, 103, 1, nextHop: 30), Received(65002, 102, 1, nextHop: 20), Received(65004, 104, 1, nextHop: 40), Received(65001, 101, 1, nextHop: 10)];
        var (best, _) = FrrDecision.Select(paths, Datacenter with { MaximumPaths = 2 });
        Assert.Equal(3, best);
        Assert.Equal([false, true, false, false], paths.Select(p => p.Multipath));

        Candidate[] one = [Received(65002, 102, 1, nextHop: 20), Received(65001, 101, 1, nextHop: 10)];
        FrrDecision.Select(one, Datacenter with { MaximumPaths = 1 });
        Assert.DoesNotContain(one, p => p.Multipath);
    }

    [Fact]
    public void Med_is_compared_only_between_paths_from_the_same_neighbour_as()
    {
        Candidate[] same = [Received(65000, 201, 2, nextHop: 1, med: true), Received(65000, 202, 2, nextHop: 2)];
        same[0].Med = 5;
        var (best, reason) = FrrDecision.Select(same, Datacenter with { DeterministicMed = false });
        Assert.Equal(1, best);
        Assert.Equal("MED", reason.Text());

        Candidate[] different = [Received(65001, 201, 2, nextHop: 1, med: true), Received(65002, 202, 2, nextHop: 2)];
        different[0].Med = 5;
        (best, _) = FrrDecision.Select(different, Datacenter with { DeterministicMed = false });
        Assert.Equal(0, best);
    }
}
