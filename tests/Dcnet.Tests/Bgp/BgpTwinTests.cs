using Dcnet.Bgp;
using Dcnet.Tests.Support;

namespace Dcnet.Tests.Bgp;

/// <summary>The fast class-based engine and its per-prefix slow twin give byte-identical tables.</summary>
public class BgpTwinTests
{
    [Theory]
    [InlineData("lab-small.yaml")]
    [InlineData("dc-5000.yaml")]
    public void Fast_engine_and_slow_twin_agree_on_the_examples(string example)
    {
        var model = BgpModel.Build(Designs.Example(example));
        var sim = BgpSimulation.Prepare(model);
        var fast = ReferenceSimulation.Dump(sim.Converge());
        var slow = ReferenceSimulation.Run(model, null);
        File.WriteAllLines("/tmp/bgp-" + example + ".txt", fast.Select(kv => kv.Key + " => " + kv.Value));
        Assert.Equal(slow.Count, fast.Count);
        foreach (var (k, v) in slow)
        {
            Assert.True(fast.TryGetValue(k, out var f), "missing " + k);
            Assert.Equal(v, f);
        }
    }
}

public class BgpTwinWhatIfTests
{
    [Theory]
    [InlineData("lab-small.yaml", "link:spine-01/leaf-01")]
    [InlineData("lab-small.yaml", "node:leaf-01:down")]
    [InlineData("lab-small.yaml", "node:spine-02")]
    [InlineData("lab-small.yaml", "node:worker-001")]
    [InlineData("dc-5000.yaml", "node:worker-001")]
    [InlineData("dc-5000.yaml", "link:spine-03/leaf-07:down")]
    public void Fast_engine_and_slow_twin_agree_after_a_failure(string example, string failure)
    {
        var model = BgpModel.Build(Designs.Example(example));
        var sim = BgpSimulation.Prepare(model);
        var scenario = BgpScenario.Resolve(model, [BgpFailure.Parse(failure)]);
        var fast = ReferenceSimulation.Dump(sim.WhatIf(sim.Converge(), scenario));
        var slow = ReferenceSimulation.Run(model, scenario);
        Assert.Equal(slow.Count, fast.Count);
        foreach (var (k, v) in slow)
        {
            Assert.True(fast.TryGetValue(k, out var f), "missing " + k);
            Assert.Equal(v, f);
        }
    }
}
